/**
 * The IPC contract: the only list of what the renderer may ask of main. Each
 * method has a zod schema for its input; main parses every payload with it
 * before anything else runs. Preload and main are derived from this table.
 */
import { z } from 'zod';
import { isIsoDate, AUTO_LOCK_MAX_MINUTES, AUTO_LOCK_MIN_MINUTES, CODE_PREFIX_RE, DEFAULT_CODE_PREFIX, type IsoDate } from './domain';
import type { Result } from './errors';
import { LOCALES, type Locale } from './i18n/catalogue';

const isoDate = z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)').transform((s) => s as IsoDate);
const text = (max: number) => z.string().trim().max(max);
const vaultPath = z.string().min(1).max(4096);
const passphrase = z.string().min(1).max(1024);

export const projectInputSchema = z.strictObject({
  title: text(300).min(1),
  institution: text(300),
  faculty: text(300),
  student: text(200),
  supervisor: text(200),
  siktRef: text(100),
  endDate: isoDate,
  endAction: z.enum(['anonymise', 'delete-all']),
  codePrefix: z.string().trim().toUpperCase().regex(CODE_PREFIX_RE).default(DEFAULT_CODE_PREFIX),
});
export type ProjectInput = z.input<typeof projectInputSchema>;

export interface ProjectStatus {
  vaultId: string;
  path: string;
  title: string;
  endDate: IsoDate;
  endAction: 'anonymise' | 'delete-all';
  daysLeft: number;
  institution: string;
  faculty: string;
  student: string;
  supervisor: string;
  siktRef: string;
  autoLockMinutes: number;
  stores: { keylist: number; recordings: number; transcripts: number };
  kdf: { opslimit: number; memlimit: number };
}

export interface RecentVault {
  path: string;
  title: string;
  lastOpened: string;
}

export type LanguageSetting = Locale | 'system';

export interface AppInfo {
  version: string;
  locale: Locale;
  language: LanguageSetting;
  defaultVaultParent: string;
  today: IsoDate;
}

export type SessionState = { unlocked: false } | { unlocked: true; status: ProjectStatus };

/** Pushed from main to the renderer. */
export type AppEvent = { type: 'locked'; reason: 'user' | 'idle' | 'system'; minutes?: number };

export const api = {
  'app.info': { input: z.strictObject({}) },
  'app.setLanguage': { input: z.strictObject({ language: z.enum([...LOCALES, 'system']) }) },
  'vault.recent': { input: z.strictObject({}) },
  'vault.chooseFolder': { input: z.strictObject({ purpose: z.enum(['create', 'open']) }) },
  'vault.suggestPath': { input: z.strictObject({ title: z.string().max(300) }) },
  'vault.create': { input: z.strictObject({ path: vaultPath, passphrase, project: projectInputSchema }) },
  'vault.unlock': { input: z.strictObject({ path: vaultPath, passphrase }) },
  'vault.inspect': { input: z.strictObject({ path: vaultPath }) },
  'session.state': { input: z.strictObject({}) },
  'session.lock': { input: z.strictObject({}) },
  'session.touch': { input: z.strictObject({}) },
  'settings.update': {
    input: z.strictObject({
      autoLockMinutes: z.number().int().min(AUTO_LOCK_MIN_MINUTES).max(AUTO_LOCK_MAX_MINUTES),
    }),
  },
} as const;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;

export interface Outputs {
  'app.info': AppInfo;
  'app.setLanguage': AppInfo;
  'vault.recent': RecentVault[];
  'vault.chooseFolder': string | null;
  'vault.suggestPath': string;
  'vault.create': ProjectStatus;
  'vault.unlock': ProjectStatus;
  'vault.inspect': { title: string; endDate: IsoDate };
  'session.state': SessionState;
  'session.lock': null;
  'session.touch': null;
  'settings.update': ProjectStatus;
}

export const METHODS = Object.keys(api) as Method[];

/** What preload exposes as `window.hvelv`. */
export interface HvelvApi {
  invoke<M extends Method>(method: M, input: Input<M>): Promise<Result<Outputs[M]>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}
