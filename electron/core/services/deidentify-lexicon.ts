/**
 * The word lists the de-identification check reads (resources/wordlists/, see its
 * README for sources and licences): is a capitalised word an ordinary word, a given
 * name, a surname, a place? Read from the app's own files on first use and kept in
 * memory; no network, nothing written.
 *
 * The ordinary-word lists are large (1.3 million Norwegian word forms), so they stay one
 * buffer of sorted lines searched by halves rather than a Set of strings: about 22 MB
 * instead of ~100 MB, and a look-up costs some twenty comparisons.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Sorted lines of one buffer (sorted by their UTF-8 bytes). */
class SortedLines {
  private readonly starts: Int32Array;
  constructor(private readonly buf: Buffer) {
    let n = 0;
    for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
    this.starts = new Int32Array(n + 1);
    let k = 1;
    for (let i = 0; i < buf.length; i++) if (buf[i] === 10) this.starts[k++] = i + 1;
  }
  private readonly query = new Uint8Array(256);
  private readonly encoder = new TextEncoder();
  /** Words repeat in a transcript: each is looked up once. */
  private readonly seen = new Map<string, boolean>();
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
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const a = this.starts[mid]!;
      const n = this.starts[mid + 1]! - 1 - a;
      // Compare the line [a, a+n) with the query, byte by byte (the order the lines are sorted in).
      let c = 0;
      const m = Math.min(n, written);
      for (let i = 0; i < m && c === 0; i++) c = buf[a + i]! - q[i]!;
      if (c === 0) c = n - written;
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
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
  const no = new SortedLines(gunzipSync(fs.readFileSync(path.join(dir, 'ordinary-no.txt.gz'))));
  const en = new SortedLines(gunzipSync(fs.readFileSync(path.join(dir, 'ordinary-en.txt.gz'))));
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
