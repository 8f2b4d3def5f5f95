/**
 * The word lists the de-identification check reads (resources/wordlists/, see its
 * README for sources and licences): is a capitalised word an ordinary word, a given
 * name, a surname, a place? Read from the app's own files on first use and kept in
 * memory; no network, nothing written.
 *
 * The ordinary-word lists are large (1.3 million Norwegian word forms), so they stay one
 * buffer of sorted lines searched by halves rather than a Set of strings: about 18 MB
 * instead of ~100 MB, and a look-up costs some twenty comparisons.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Sorted lines of one buffer (sorted by their UTF-8 bytes), searched by halves over the
 * bytes themselves: no index of lines is built, so loading is one read of the file.
 */
class SortedLines {
  private readonly query = new Uint8Array(256);
  private readonly encoder = new TextEncoder();
  /** Words repeat in a transcript: each is looked up once. */
  private readonly seen = new Map<string, boolean>();
  constructor(private readonly buf: Buffer) {}
  has(word: string): boolean {
    const hit = this.seen.get(word);
    if (hit !== undefined) return hit;
    const found = this.search(word);
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.set(word, found);
    return found;
  }
  private search(word: string): boolean {
    const { written } = this.encoder.encodeInto(word, this.query);
    if (written === undefined || written >= this.query.length) return false;
    const q = this.query;
    const buf = this.buf;
    // Invariant: every line starting before `lo` sorts before the query; every line
    // starting at or after `hi` sorts after it.
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      // The line that holds the middle byte.
      let a = (lo + hi) >> 1;
      while (a > lo && buf[a - 1] !== 10) a--;
      let e = a;
      while (e < buf.length && buf[e] !== 10) e++;
      let c = 0;
      const n = e - a;
      const m = Math.min(n, written);
      for (let i = 0; i < m && c === 0; i++) c = buf[a + i]! - q[i]!;
      if (c === 0) c = n - written;
      if (c === 0) return true;
      if (c < 0) lo = e + 1;
      else hi = a;
    }
    return false;
  }
}

export interface Lexicon {
  /** An ordinary bokmål, nynorsk or English word (asked in lower case). */
  ordinary(lower: string): boolean;
  given(word: string): boolean;
  surname(word: string): boolean;
  /** A municipality, county, region, postal place or country (single words). */
  place(word: string): boolean;
  /** Places of more than one word, by their first word ("Mo" → ["Mo i Rana"]), longest first. */
  placePhrases(first: string): readonly string[];
  /** A capitalised entry of the Norwegian dictionary (a name or a place, kind unknown). */
  proper(word: string): boolean;
  /** Capitalised but not identifying: apps and programs ("Teams", "Modia"). */
  notName(word: string): boolean;
}

/** resources/wordlists, found from this module both in the source tree and in the built bundle (out/main). */
function wordlistDir(): string {
  const tried: string[] = [];
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources', 'wordlists');
    if (fs.existsSync(path.join(candidate, 'proper-no.txt'))) return candidate;
    tried.push(candidate);
    dir = path.dirname(dir);
  }
  // A bug in packaging, never the user's doing.
  throw new Error(`word lists not found (looked in ${tried.join(', ')})`);
}

let cached: Lexicon | null = null;

export function lexicon(): Lexicon {
  if (cached) return cached;
  const dir = wordlistDir();
  const lines = (f: string): string[] =>
    fs
      .readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  // Plain text, not gzipped: unpacking 3.5 MB took most of a second on a busy machine,
  // at the first list of transcripts after unlocking.
  const no = new SortedLines(fs.readFileSync(path.join(dir, 'ordinary-no.txt')));
  const en = new SortedLines(fs.readFileSync(path.join(dir, 'ordinary-en.txt')));
  const given = new Set(lines('given-names.txt'));
  const surnames = new Set(lines('surnames.txt'));
  const proper = new Set(lines('proper-no.txt'));
  const notNames = new Set(lines('not-names.txt'));
  const spoken = new Set(lines('spoken-forms.txt'));
  const places = new Set<string>();
  const phrases = new Map<string, string[]>();
  for (const p of [...lines('municipalities.txt'), ...lines('postal-places.txt'), ...lines('countries.txt')]) {
    if (!p.includes(' ')) places.add(p);
    else {
      const first = p.split(' ')[0]!;
      phrases.set(first, [...new Set([...(phrases.get(first) ?? []), p])].sort((a, b) => b.length - a.length));
    }
  }
  cached = {
    ordinary: (w) => spoken.has(w) || no.has(w) || en.has(w),
    given: (w) => given.has(w),
    surname: (w) => surnames.has(w),
    place: (w) => places.has(w),
    placePhrases: (first) => phrases.get(first) ?? [],
    proper: (w) => proper.has(w),
    notName: (w) => notNames.has(w),
  };
  return cached;
}
