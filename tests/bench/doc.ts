/**
 * docs/benchmarks.md is written by several benchmarks; each replaces only its own
 * sections (by heading, without the date in brackets) and leaves the others as they are.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BENCHMARKS_MD = path.join(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md');
const HEADER = '# Benchmarks\n\nEach section is written by the benchmark named in it (`npm run bench`, `npm run bench:transcription`, `npm run bench:asr`, or the script it names). Figures are from the machine and date given; rerun to update.\n';

/** A log function that prints and keeps the lines, for writeSections. */
export function collector(): { log: (s: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (s) => (console.log(s), void lines.push(s)) };
}

const key = (heading: string): string => heading.replace(/^##\s+/, '').replace(/\s*\([^()]*\)\s*$/, '').trim();

function split(text: string): { head: string; sections: { key: string; body: string }[] } {
  const parts = text.split(/^(?=## )/m);
  const head = parts[0]!.startsWith('## ') ? '' : parts.shift()!;
  return { head, sections: parts.map((body) => ({ key: key(body.slice(0, body.indexOf('\n') < 0 ? body.length : body.indexOf('\n'))), body: body.trimEnd() + '\n' })) };
}

/** Replace the sections `lines` hold (each starting with a `## ` heading) in docs/benchmarks.md; new ones go at the end. */
export function writeSections(lines: readonly string[], file = BENCHMARKS_MD): void {
  const old = fs.existsSync(file) ? split(fs.readFileSync(file, 'utf8')) : { head: '', sections: [] };
  const fresh = split(`${lines.join('\n')}\n`).sections;
  const byKey = new Map(fresh.map((s) => [s.key, s.body]));
  const out = old.sections.map((s) => {
    const next = byKey.get(s.key);
    byKey.delete(s.key);
    return next ?? s.body;
  });
  for (const body of byKey.values()) out.push(body);
  fs.writeFileSync(file, `${HEADER}\n${out.join('\n')}`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}
