/**
 * The app's own settings on this computer (outside any vault): the language and
 * the recently opened vaults. Holds no personal data: paths and project titles
 * only (the title is in the vault header in clear anyway).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { LanguageSetting, RecentVault, TranscriptionSettings } from '../../../../shared/contract';
import { ACTIONS, bindingProblems, DEFAULT_PEDALS, DEFAULT_PLAYBACK, effectiveBindings, LIMITS, PEDALS, type Action, type Bindings } from '../../../../shared/transcription';
import { HvelvError } from '../../errors';
import { writeFileAtomic } from '../../vault/atomic-file';

const configSchema = z.object({
  language: z.enum(['nb', 'en', 'system']).default('system'),
  recent: z
    .array(z.object({ path: z.string(), title: z.string(), lastOpened: z.string() }))
    .max(20)
    .default([]),
  /** The last end-date reminder shown for each vault (days: 30, 14, 7 or 1). */
  reminders: z.record(z.string(), z.number()).default({}),
  /**
   * The transcription workspace's keys, playback steps and pedals: how this person works
   * at this keyboard, in no way about a participant, so kept here and not in a vault.
   */
  transcription: z
    .object({
      bindings: z.record(z.string(), z.array(z.string())).default({}),
      playback: z.object({ rewindOnResumeMs: z.number(), skipMs: z.number(), longSkipMs: z.number() }).partial().default({}),
      pedals: z.record(z.string(), z.string().nullable()).default({}),
    })
    .default({ bindings: {}, playback: {}, pedals: {} }),
  /** The language last chosen for an automatic draft (until then: the interface language). */
  asrLanguage: z.enum(['nb', 'en']).optional(),
  /** The model file (its name in the models folder) last used for a draft. */
  asrModel: z.string().max(200).optional(),
  /** Supervisor folders opened on this computer ("I am a supervisor"): paths only. */
  supervisorFolders: z.array(z.object({ path: z.string(), lastOpened: z.string() })).max(20).default([]),
});
type Config = z.infer<typeof configSchema>;

const MAX_RECENT = 8;

export class AppConfig {
  private data: Config;

  constructor(private readonly file: string) {
    this.data = AppConfig.load(file);
  }

  /** The app's data folder (the config file's folder): speech models live in its models/. */
  get dataDir(): string {
    return path.dirname(this.file);
  }

  private static load(file: string): Config {
    try {
      return configSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch {
      // Missing or damaged: start fresh. Nothing in it is irreplaceable.
      return configSchema.parse({});
    }
  }

  get language(): LanguageSetting {
    return this.data.language;
  }

  setLanguage(language: LanguageSetting): void {
    this.data = { ...this.data, language };
    this.save();
  }

  /** Supervisor folders that still exist, most recent first: this is a supervisor's installation when there are any. */
  supervisorFolders(): { path: string; lastOpened: string }[] {
    return this.data.supervisorFolders.filter((r) => fs.existsSync(r.path));
  }

  rememberSupervisorFolder(folder: string, at: Date): void {
    const others = this.data.supervisorFolders.filter((r) => path.resolve(r.path) !== path.resolve(folder));
    this.data = { ...this.data, supervisorFolders: [{ path: folder, lastOpened: at.toISOString() }, ...others].slice(0, MAX_RECENT) };
    this.save();
  }

  /** Recent vaults that still exist, most recent first. */
  recent(): RecentVault[] {
    return this.data.recent.filter((r) => fs.existsSync(r.path));
  }

  rememberVault(vaultPath: string, title: string, at: Date): void {
    const others = this.data.recent.filter((r) => path.resolve(r.path) !== path.resolve(vaultPath));
    this.data = { ...this.data, recent: [{ path: vaultPath, title, lastOpened: at.toISOString() }, ...others].slice(0, MAX_RECENT) };
    this.save();
  }

  /** A vault moved to another folder (services/backup/move.ts): its entry follows it, in its place in the list. */
  vaultMoved(from: string, to: string): void {
    // The same folder by another spelling (a link to it) is the same vault: called while the
    // old folder is still there (before its files are shredded), so its real path can be read.
    const real = (p: string) => {
      try {
        return fs.realpathSync(path.resolve(p));
      } catch {
        return path.resolve(p);
      }
    };
    const same = (a: string) => path.resolve(a) === path.resolve(from) || real(a) === real(from);
    if (!this.data.recent.some((r) => same(r.path))) return;
    this.data = { ...this.data, recent: this.data.recent.map((r) => (same(r.path) ? { ...r, path: to } : r)) };
    this.save();
  }

  get asrLanguage(): 'nb' | 'en' | undefined {
    return this.data.asrLanguage;
  }

  setAsrLanguage(language: 'nb' | 'en'): void {
    if (this.data.asrLanguage === language) return;
    this.data = { ...this.data, asrLanguage: language };
    this.save();
  }

  get asrModel(): string | undefined {
    return this.data.asrModel;
  }

  setAsrModel(name: string): void {
    if (this.data.asrModel === name) return;
    this.data = { ...this.data, asrModel: name };
    this.save();
  }

  lastReminder(vaultId: string): number | null {
    return this.data.reminders[vaultId] ?? null;
  }

  setLastReminder(vaultId: string, days: number): void {
    this.data = { ...this.data, reminders: { ...this.data.reminders, [vaultId]: days } };
    this.save();
  }

  /** The workspace's settings: the defaults with this person's changes over them. */
  transcription(): TranscriptionSettings {
    const t = this.data.transcription;
    const playback = { ...DEFAULT_PLAYBACK };
    for (const k of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
      const v = t.playback[k];
      // A hand-edited file with a value out of range falls back to the default.
      if (typeof v === 'number' && v >= LIMITS[k][0] && v <= LIMITS[k][1]) playback[k] = v;
    }
    const pedals = { ...DEFAULT_PEDALS };
    for (const p of PEDALS) {
      const v = t.pedals[p];
      if (v === null || (v !== undefined && (ACTIONS as readonly string[]).includes(v))) pedals[p] = v as Action | null;
    }
    return { bindings: effectiveBindings(t.bindings), playback, pedals };
  }

  /**
   * Save the workspace's settings. Refused as a whole, with the chords named, when two
   * actions share a key or a key belongs to the editor: a half-applied key map is worse
   * than the old one.
   */
  setTranscription(next: { bindings: Partial<Bindings>; playback: TranscriptionSettings['playback']; pedals: TranscriptionSettings['pedals'] }): TranscriptionSettings {
    const bindings = effectiveBindings(next.bindings);
    for (const a of ACTIONS) {
      const given = next.bindings[a];
      if (given && given.length !== bindings[a].length) throw new HvelvError('INVALID_INPUT', `not a key: ${given.join(', ')}`);
    }
    const problems = bindingProblems(bindings);
    if (problems.length > 0) throw new HvelvError('KEY_CONFLICT', problems.map((p) => `${p.chord}: ${p.kind} (${p.actions.join(', ')})`).join('; '));
    // Only what differs from the defaults is stored, so a later default reaches those who never changed it.
    const overrides: Record<string, string[]> = {};
    for (const a of ACTIONS) if (next.bindings[a] !== undefined) overrides[a] = bindings[a];
    this.data = { ...this.data, transcription: { bindings: overrides, playback: { ...next.playback }, pedals: { ...next.pedals } } };
    this.save();
    return this.transcription();
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, new TextEncoder().encode(`${JSON.stringify(this.data, null, 2)}\n`));
  }
}
