/**
 * The handler table: one function per method of the IPC contract. It imports no
 * Electron, so the same table serves the app (electron/main/index.ts) and the
 * browser test harness (tests/e2e/harness.ts); what differs (folder dialog,
 * documents folder, system locale) comes in through `Platform`.
 *
 * `dispatch` is the boundary: it parses every payload with the contract's zod
 * schema, and turns every outcome into `{ok, value} | {ok:false, error}`.
 */
import * as path from 'node:path';
import { api, type AppEvent, type AppInfo, type Method, type Outputs, type ParsedInput } from '../../shared/contract';
import { localIsoDate } from '../../shared/domain';
import { fail, ok, type Result } from '../../shared/errors';
import { localeFromSystem } from '../../shared/i18n/catalogue';
import type { KdfPolicy } from '../core/crypto/kdf';
import type { Crypto } from '../core/crypto/sodium';
import { HvelvError } from '../core/errors';
import type { AppConfig } from '../core/services/app-config';
import { createProject } from '../core/services/create-project';
import { projectStatus } from '../core/services/project-status';
import { SessionManager, type Timers } from '../core/services/session-manager';
import { openProject } from '../core/services/open-project';
import { Participants } from '../core/services/participants';
import { getForm, listForms, newFormVersion, renderFormHtml, updateFormText } from '../core/consent/forms';
import { writeFileAtomic } from '../core/vault/atomic-file';
import { inspectVault, type CreateOptions, type VaultDeps } from '../core/vault/vault';

export interface Platform {
  version: string;
  systemLocale(): string;
  documentsDir(): string;
  chooseFolder(purpose: 'create' | 'open' | 'export'): Promise<string | null>;
  /** A file to read (consent evidence: a scan or a recording). */
  chooseFile(purpose: 'evidence'): Promise<string | null>;
  /** Where to save a document the user asked for (an HTML letter or receipt). */
  chooseSavePath(defaultName: string): Promise<string | null>;
}

export interface HandlerDeps {
  crypto: Crypto;
  kdfPolicy: KdfPolicy;
  now: () => Date;
  config: AppConfig;
  platform: Platform;
  emit(event: AppEvent): void;
  timers?: Timers;
  /** Tests only: fixed KDF parameters instead of calibration. */
  createOptions?: CreateOptions;
}

type Handlers = { [M in Method]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export function createHandlers(deps: HandlerDeps): { handlers: Handlers; sessions: SessionManager } {
  const sessions = new SessionManager((reason, minutes) => deps.emit({ type: 'locked', reason, minutes }), deps.timers);
  const vaultDeps: VaultDeps = { crypto: deps.crypto, kdfPolicy: deps.kdfPolicy, now: deps.now };

  const participants = (): Participants => new Participants(sessions.require(), deps.now);
  const keylist = () => sessions.require().stores.keylist;

  const info = (): AppInfo => {
    const language = deps.config.language;
    return {
      version: deps.platform.version,
      language,
      locale: language === 'system' ? localeFromSystem(deps.platform.systemLocale()) : language,
      defaultVaultParent: path.join(deps.platform.documentsDir(), 'Hvelv'),
      today: localIsoDate(deps.now()),
    };
  };

  const handlers: Handlers = {
    'app.info': () => info(),
    'app.setLanguage': ({ language }) => {
      deps.config.setLanguage(language);
      return info();
    },
    'vault.recent': () => deps.config.recent(),
    'vault.chooseFolder': ({ purpose }) => deps.platform.chooseFolder(purpose),
    'vault.suggestPath': ({ title }) => path.join(info().defaultVaultParent, folderName(title)),
    'vault.create': async ({ path: vaultPath, passphrase, project }) => {
      const session = await createProject(vaultPath, passphrase, project, vaultDeps, deps.createOptions);
      sessions.open(session);
      deps.config.rememberVault(vaultPath, project.title, deps.now());
      return projectStatus(session, deps.now());
    },
    'vault.unlock': async ({ path: vaultPath, passphrase }) => {
      const session = await openProject(vaultPath, passphrase, vaultDeps);
      sessions.open(session);
      deps.config.rememberVault(vaultPath, session.facts.title, deps.now());
      return projectStatus(session, deps.now());
    },
    'vault.inspect': ({ path: vaultPath }) => {
      const i = inspectVault(vaultPath, deps.crypto);
      return { title: i.title, endDate: i.endDate };
    },
    'session.state': () => {
      const s = sessions.current;
      return s ? { unlocked: true, status: projectStatus(s, deps.now()) } : { unlocked: false };
    },
    'session.lock': () => {
      sessions.lock('user');
      return null;
    },
    'session.touch': () => {
      sessions.touch();
      return null;
    },
    'participants.list': () => participants().list(),
    'participants.add': ({ identity }) => ({ code: participants().add(identity) }),
    'participants.reveal': ({ code }) => participants().reveal(code),
    'participants.update': ({ code, change }) => {
      participants().updateIdentity(code, change);
      return null;
    },
    'consent.chooseEvidence': () => deps.platform.chooseFile('evidence'),
    'consent.record': ({ code, evidencePath, ...input }) => {
      participants().recordConsent(code, { ...input, evidence: evidencePath ? { path: evidencePath } : undefined });
      return null;
    },
    'forms.list': () => listForms(keylist()),
    'forms.update': ({ version, locale, text }) => updateFormText(keylist(), version, locale, text),
    'forms.newVersion': () => newFormVersion(keylist(), deps.now()),
    'forms.export': async ({ version, locale }) => {
      const form = getForm(keylist(), version);
      const target = await deps.platform.chooseSavePath(`${folderName(form.texts[locale].title).slice(0, 40)}-v${version}-${locale}.html`);
      if (!target) return null;
      writeFileAtomic(target, new TextEncoder().encode(renderFormHtml(form.texts[locale], locale, { version, hash: form.hashes[locale] })));
      return target;
    },
    'withdrawal.preview': ({ code }) => participants().withdrawalPreview(code),
    'withdrawal.execute': ({ code, confirmCode, date }) => {
      // The typed code is the user's confirmation; checked here too, not only in the UI.
      if (confirmCode.trim().toUpperCase() !== code) throw new HvelvError('INVALID_INPUT', 'the typed code does not match');
      return participants().withdraw(code, date);
    },
    'withdrawal.receipt': ({ code }) => participants().receipt(code),
    'withdrawal.saveReceipt': async ({ code, locale }) => {
      const html = participants().receiptHtml(code, locale);
      const target = await deps.platform.chooseSavePath(`${locale === 'nb' ? 'kvittering' : 'receipt'}-${code}.html`);
      if (!target) return null;
      writeFileAtomic(target, new TextEncoder().encode(html));
      return target;
    },
    'access.export': async ({ code, locale }) => {
      participants(); // locked vault: fail before asking for a folder
      const folder = await deps.platform.chooseFolder('export');
      if (!folder) return null;
      return await participants().accessRequest(code, folder, locale);
    },
    'settings.update': ({ autoLockMinutes }) => {
      const s = sessions.require();
      s.updateSettings({ autoLockMinutes });
      sessions.touch();
      return projectStatus(s, deps.now());
    },
  };
  return { handlers, sessions };
}

/** Parse, run, and wrap. The single door every request from the renderer goes through. */
export async function dispatch(handlers: Handlers, method: unknown, payload: unknown): Promise<Result<unknown>> {
  if (typeof method !== 'string' || !Object.hasOwn(api, method)) return fail('INVALID_INPUT', `unknown method ${String(method)}`);
  const m = method as Method;
  const parsed = api[m].input.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('INVALID_INPUT', `${m}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  try {
    const handler = handlers[m] as (input: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (err) {
    if (err instanceof HvelvError) return fail(err.code, err.message);
    // A bug. Report it without its message, which could quote data.
    console.error(`[hvelv] ${m} failed:`, (err as Error)?.name);
    return fail('INTERNAL', 'internal error');
  }
}

/** A folder name from a project title: letters, digits and dashes. */
export function folderName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[åÅ]/g, 'a')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'prosjekt';
}
