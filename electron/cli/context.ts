/** What every command gets: the outside world, the language, and the vault dependencies made on first use. */
import type { KdfPolicy } from '../core/crypto/kdf';
import type { CreateOptions, VaultDeps } from '../core/vault/vault';
import type { Locale } from '../../shared/i18n/catalogue';
import type { CliIo } from './io';

export const EXIT = { ok: 0, other: 1, usage: 2, wrongPassphrase: 3, integrity: 4 } as const;

/** For tests only: a faster KDF policy. The installed command never passes one. */
export interface CliDeps {
  kdfPolicy?: KdfPolicy;
  createOptions?: CreateOptions;
}

export interface CommandContext {
  io: CliIo;
  locale: Locale;
  deps: CliDeps;
  /**
   * libsodium, SQLite and the KDF policy, loaded only when a command needs them, so
   * `hvelv --help` and a usage error cost no WebAssembly start-up.
   */
  vaultDeps(): Promise<VaultDeps>;
}

/** One command (`hvelv participant …`): `args` are what follows its name. */
export type Command = (args: string[], ctx: CommandContext) => Promise<number>;
