/**
 * Where the CLI gets a passphrase: --passphrase-file, HVELV_PASSPHRASE, or a
 * prompt on the terminal that does not echo. Never from a command-line argument,
 * which other users of the machine could read in the process list.
 */
import * as fs from 'node:fs';
import type { CliIo } from './io';
import { UsageError } from './io';

export interface PassphraseSource {
  passphraseFile?: string | undefined;
}

export async function obtainPassphrase(io: CliIo, src: PassphraseSource, opts: { confirm: boolean; required: boolean }): Promise<string | null> {
  if (src.passphraseFile) {
    let text: string;
    try {
      text = fs.readFileSync(src.passphraseFile, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read the passphrase file: ${(err as Error).message}`);
    }
    return text.replace(/\r?\n$/, '');
  }
  const env = io.env.HVELV_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (!io.isTty) {
    if (!opts.required) return null;
    throw new UsageError('a passphrase is needed: use --passphrase-file FILE or HVELV_PASSPHRASE, or run in a terminal');
  }
  if (!opts.required) return null;
  const first = await io.promptHidden('Passphrase: ');
  if (opts.confirm) {
    const second = await io.promptHidden('Repeat passphrase: ');
    if (first !== second) throw new UsageError('the passphrases do not match');
  }
  return first;
}
