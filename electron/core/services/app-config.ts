/**
 * The app's own settings on this computer (outside any vault): the language and
 * the recently opened vaults. Holds no personal data: paths and project titles
 * only (the title is in the vault header in clear anyway).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { LanguageSetting, RecentVault } from '../../../shared/contract';
import { writeFileAtomic } from '../vault/atomic-file';

const configSchema = z.object({
  language: z.enum(['nb', 'en', 'system']).default('system'),
  recent: z
    .array(z.object({ path: z.string(), title: z.string(), lastOpened: z.string() }))
    .max(20)
    .default([]),
  /** The last end-date reminder shown for each vault (days: 30, 14, 7 or 1). */
  reminders: z.record(z.string(), z.number()).default({}),
  /** The language last chosen for an automatic draft (until then: the interface language). */
  asrLanguage: z.enum(['nb', 'en']).optional(),
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

  /** Recent vaults that still exist, most recent first. */
  recent(): RecentVault[] {
    return this.data.recent.filter((r) => fs.existsSync(r.path));
  }

  rememberVault(vaultPath: string, title: string, at: Date): void {
    const others = this.data.recent.filter((r) => path.resolve(r.path) !== path.resolve(vaultPath));
    this.data = { ...this.data, recent: [{ path: vaultPath, title, lastOpened: at.toISOString() }, ...others].slice(0, MAX_RECENT) };
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

  lastReminder(vaultId: string): number | null {
    return this.data.reminders[vaultId] ?? null;
  }

  setLastReminder(vaultId: string, days: number): void {
    this.data = { ...this.data, reminders: { ...this.data.reminders, [vaultId]: days } };
    this.save();
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.file, new TextEncoder().encode(`${JSON.stringify(this.data, null, 2)}\n`));
  }
}
