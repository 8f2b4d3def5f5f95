/** The one argument parser every command shares: strict, with the common options. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io';

export type Values = Record<string, string | boolean | undefined>;

export const COMMON: ParseArgsConfig['options'] = {
  json: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function parse(args: string[], options: ParseArgsConfig['options'], positionals: number): { values: Values; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length} (see hvelv --help)`);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

export const str = (v: string | boolean | undefined): string => (typeof v === 'string' ? v : '');

/** The values of an option given with `multiple: true` (none: an empty list). */
export function many(values: Values, key: string): string[] {
  const raw = (values as Record<string, unknown>)[key];
  return Array.isArray(raw) ? (raw as string[]) : [];
}

/**
 * An `--out DIR` that names a folder: made if it does not exist and its parent does, as
 * `mkdir` would (never a whole missing path: a typo should not grow a tree of folders).
 * Returns a function that removes the folder again if it was made here and is still
 * empty, for when the command fails after making it.
 */
export function outFolder(dir: string): () => void {
  if (fs.existsSync(dir)) return () => {};
  if (!fs.existsSync(path.dirname(path.resolve(dir))) || !fs.statSync(path.dirname(path.resolve(dir))).isDirectory()) {
    throw new UsageError(`--out ${dir}: its parent folder does not exist`);
  }
  fs.mkdirSync(dir, { mode: 0o700 });
  return () => {
    try {
      fs.rmdirSync(dir);
    } catch {
      /* not empty (something was written) or gone: leave it */
    }
  };
}
