/**
 * No circles in the imports of electron/, shared/ and renderer/: a module that needs
 * another which needs it back is where a feature stops having a direction (the layout's
 * issue found four). Type-only imports count: they are the first step of a circle.
 * The layer rules themselves are in eslint.config.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(): string[] {
  const out: string[] = [];
  for (const base of ['electron', 'shared', path.join('renderer', 'src')]) {
    for (const f of fs.readdirSync(path.join(ROOT, base), { recursive: true, encoding: 'utf8' })) {
      if (/\.tsx?$/.test(f)) out.push(path.join(base, f));
    }
  }
  return out;
}

/** Each module's imports of our own modules. */
function graph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const g = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(IMPORT)) {
      const t = path.normalize(path.join(path.dirname(f), m[1]!));
      const hit = [t, `${t}.ts`, `${t}.tsx`, path.join(t, 'index.ts')].find((c) => known.has(c));
      if (hit) deps.push(hit);
    }
    g.set(f, deps);
  }
  return g;
}

/** Strongly connected components of more than one module (Tarjan). */
function circles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) found.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the import graph', () => {
  it('finds a circle when there is one (the check itself)', () => {
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it('has no circles in electron/, shared/ or renderer/', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(100);
    expect(circles(graph(files))).toEqual([]);
  });
});
