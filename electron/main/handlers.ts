/**
 * The handler table: one function per method of the IPC contract. It imports no
 * Electron, so the same table serves the app (electron/main/index.ts) and the
 * browser test harness (tests/e2e/harness.ts); what differs (folder dialog,
 * documents folder, system locale) comes in through `Platform`.
 *
 * `dispatch` is the boundary: it parses every payload with the contract's zod
 * schema, and turns every outcome into `{ok, value} | {ok:false, error}`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { api, type AppEvent, type AppInfo, type ChosenFile, type Method, type Outputs, type ParsedInput } from '../../shared/contract';
import { localIsoDate } from '../../shared/domain';
import { fail, ok, type Result } from '../../shared/errors';
import { localeFromSystem } from '../../shared/i18n/catalogue';
import { defaultMarkers } from '../../shared/i18n/transcription';
import type { KdfPolicy } from '../core/crypto/kdf';
import type { Crypto } from '../core/crypto/sodium';
import { HvelvError } from '../core/errors';
import type { AppConfig } from '../core/services/project/app-config';
import { createProject } from '../core/services/project/create';
import { projectStatus } from '../core/services/project/status';
import { listCertificates } from '../core/services/project-end/project-end';
import { enforceAlone, ProjectEndReport, projectEndPending, type ProjectEndFacts } from '../core/services/project-end/deadline-watch';
import { renderCertificateHtml } from '../core/services/project-end/documents';
import { SessionManager, type Timers } from '../core/services/project/session-manager';
import { openProject } from '../core/services/project/open';
import { Participants } from '../core/services/participants/participants';
import { Recordings } from '../core/services/recordings/recordings';
import { Transcripts } from '../core/services/transcripts/transcripts';
import { Exchange } from '../core/services/exchange/export';
import { ExchangeImport, QDPX_MAX_BYTES, readExchangeFile } from '../core/services/exchange/import';
import { getForm, listForms, newFormVersion, renderFormHtml, updateFormText } from '../core/consent/forms';
import { writeFileAtomic } from '../core/vault/atomic-file';
import { dailyJobRuns, installLinux, statusLinux, type EnforceCommand } from '../core/services/project-end/schedule';
import { toB64 } from '../core/crypto/encoding';
import { inspectVault, type CreateOptions, type VaultDeps } from '../core/vault/vault';
import { makeDraft, PcmChannel, type WorkerSpawner } from '../core/services/asr/draft';
import { checkModel, expectedRealtime, KNOWN_MODELS, type KnownModel, listModelFiles, modelsDir, speakersDir } from '../core/services/asr/models';
import { installModel, removeModel, sweepStaging } from '../core/services/asr/install';
import { analysisHandlers } from './analysis-handlers';
import { asrQueueHandlers } from './asr-queue-handlers';
import { Search } from '../core/services/analysis/search';
import { SupervisorFolderRef, supervisorHandlers } from './supervisor-handlers';
import { WorkJobs } from './work-jobs';
import { notificationHandlers } from './notification-handlers';
import { attributeHandlers } from './attribute-handlers';
import { backupHandlers } from './backup-handlers';
import { backupAfterWithdrawal, placesForReceipt } from '../core/services/backup/run';
import { fileSlug } from './file-name';

export interface Platform {
  version: string;
  systemLocale(): string;
  documentsDir(): string;
  chooseFolder(purpose: 'create' | 'open' | 'export'): Promise<string | null>;
  /** A file to read: consent evidence, a recording, or a transcript. */
  chooseFile(purpose: 'evidence' | 'audio' | 'transcript' | 'exchange' | 'share' | 'feedback'): Promise<string | null>;
  /** The URL the page plays a recording from (custom protocol in the app, loopback in tests). */
  mediaUrl(id: string): string;
  /** The same for a recording held with a supervisor's share. */
  shareMediaUrl?(vaultId: string, id: string): string;
  /** How to run `hvelv enforce` from an operating-system job; null where not offered. */
  scheduleCommand(): EnforceCommand | null;
  /** Where systemd user units go (XDG_CONFIG_HOME); the default is ~/.config. */
  configHome?: string;
  /** Where to save a document the user asked for (an HTML or PDF letter, receipt, certificate). */
  chooseSavePath(defaultName: string): Promise<string | null>;
  /**
   * The PDF of a self-contained HTML document (Electron's printToPDF in the app, Chromium's
   * page.pdf in the browser tests), made in memory. Absent where no renderer can print.
   */
  printToPdf?(html: string): Promise<Uint8Array>;
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
  /** How to start the recognition process (the app: Electron's utilityProcess); default child_process.fork. */
  spawnAsrWorker?: WorkerSpawner;
  /** Tests only: the known models' list (its addresses on 127.0.0.1); default KNOWN_MODELS. */
  knownModels?: readonly KnownModel[];
}

type Handlers = { [M in Method]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export function createHandlers(deps: HandlerDeps): { handlers: Handlers; sessions: SessionManager; files: FileGrants; supervisorFolder: SupervisorFolderRef; projectEnd: ProjectEndReport } {
  /** Locks the page did not ask for wait for it to save what is typed: it is told, and answers `session.saved`. */
  const awaitingSave = new Map<string, () => void>();
  const sessions = new SessionManager((reason, minutes) => {
    // Locked already: nothing is waited for any more (a page that never answered, or a lock the user made meanwhile).
    for (const done of awaitingSave.values()) done();
    awaitingSave.clear();
    deps.emit({ type: 'locked', reason, minutes });
  }, deps.timers);
  sessions.setBeforeLock(
    () =>
      new Promise<void>((resolve) => {
        const id = randomBytes(8).toString('hex');
        awaitingSave.set(id, resolve);
        deps.emit({ type: 'save-now', id });
      }),
  );
  const vaultDeps: VaultDeps = { crypto: deps.crypto, kdfPolicy: deps.kdfPolicy, now: deps.now };

  const participants = (): Participants => new Participants(sessions.require(), deps.now);
  const keylist = () => sessions.require().stores.keylist;
  const recordings = (): Recordings => new Recordings(sessions.require(), deps.now);
  const transcripts = (): Transcripts => new Transcripts(sessions.require(), deps.now);
  const imports = new Map<string, AbortController>();
  const work = new WorkJobs(deps.emit, () => sessions.touch());
  const drafts = new Map<string, AbortController>();
  /** The page's PCM for drafts of M4A recordings, by job; a channel no draft claims within a minute is closed. */
  const pcmChannels = new Map<string, { channel: PcmChannel; claimed: boolean }>();
  /** Drafts that have ended: a piece the page sends them after is refused at once, not held for a minute. */
  const endedDrafts = new Set<string>();
  const pcmChannel = (jobId: string, claim: boolean): PcmChannel => {
    if (endedDrafts.has(jobId)) throw new HvelvError('CANCELLED', 'the draft has ended');
    let entry = pcmChannels.get(jobId);
    if (!entry) {
      entry = { channel: new PcmChannel(), claimed: false };
      const made = entry;
      pcmChannels.set(jobId, made);
      setTimeout(() => {
        if (made.claimed) return;
        made.channel.close(new HvelvError('CANCELLED', 'no draft took the audio'));
        if (pcmChannels.get(jobId) === made) pcmChannels.delete(jobId);
      }, 60_000).unref();
    }
    if (claim) entry.claimed = true;
    return entry.channel;
  };
  /** Model files' checks by name, size and times of change (mtime and ctime): hashing a 1.5 GB model once is enough. */
  const modelChecks = new Map<string, { key: string; result: Outputs['asr.checkModels'][number] }>();
  /** Model downloads under way, by job: Cancel aborts one. */
  const modelInstalls = new Map<string, AbortController>();
  /** The known models' ids being downloaded: a second install of one is refused. */
  const installingIds = new Set<string>();
  const cores = os.availableParallelism();
  const knownModels = deps.knownModels ?? KNOWN_MODELS;
  // At start, the staging folders a killed install or removal left (their process gone) are removed.
  try {
    sweepStaging(modelsDir(deps.config.dataDir));
  } catch {
    // A models folder that cannot be read now is swept at the next install.
  }
  const files = new FileGrants();
  const supervisorFolder = new SupervisorFolderRef();
  /** The end date's deletion as the window shows it (the watch's in index.ts, and an open's). */
  const projectEnd = new ProjectEndReport(deps.emit);
  /** Destructive actions are confirmed by typing the participant's code; checked here, not only in the page. */
  const confirm = (typed: string, code: string): void => {
    if (typed.trim().toUpperCase() !== code) throw new HvelvError('INVALID_INPUT', 'the typed code does not match');
  };

  /** Save a document Hvelv wrote as HTML, or printed to PDF, where the user chooses; null if they cancel. */
  const saveDocument = async (html: string, baseName: string, format: 'html' | 'pdf'): Promise<string | null> => {
    const print = deps.platform.printToPdf;
    if (format === 'pdf' && !print) throw new HvelvError('FORBIDDEN', 'PDF is not available here');
    const target = await deps.platform.chooseSavePath(`${baseName}.${format}`);
    if (!target) return null;
    const bytes = format === 'pdf' ? await print!(html) : new TextEncoder().encode(html);
    writeFileAtomic(target, bytes);
    return target;
  };

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

  /** The backup places and whether each no longer holds the person, added to a receipt (issue 28). */
  const withBackupPlaces = <R extends { code: string }>(r: R): R & { backupPlaces?: { dir: string; updated: boolean }[] } => {
    const backupPlaces = placesForReceipt(sessions.require(), r.code);
    return backupPlaces.length ? { ...r, backupPlaces } : r;
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
      // A passed end date is enforced before the unlock (whatever the passphrase): its
      // deletion shown in the window as the watch's is (a vault the watch does not know, or
      // one whose deletion the app quit in the middle of). One the watch is running already is
      // waited for, then what is due is looked at again (enforceAlone).
      const session = await openProject(vaultPath, passphrase, vaultDeps, (run) =>
        enforceAlone(vaultPath, () => {
          let due: ProjectEndFacts | null = null;
          try {
            due = projectEndPending(vaultPath, inspectVault(vaultPath, deps.crypto), deps.now());
          } catch {
            // Unreadable here: openProject says why.
          }
          return due ? projectEnd.track(due, run) : run();
        }),
      );
      sessions.open(session);
      // The analysis decrypted and the search index built in the background, a record per
      // turn: the first search or retrieval after unlock then finds it in memory.
      new Search(session, deps.now).warmInBackground().catch(() => undefined);
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
    'session.saved': ({ id }) => {
      const done = awaitingSave.get(id);
      awaitingSave.delete(id);
      done?.();
      return null;
    },
    'participants.list': () => participants().list(),
    'participants.add': ({ identity }) => ({ code: participants().add(identity) }),
    'participants.reveal': ({ code }) => participants().reveal(code),
    'participants.update': ({ code, change }) => {
      participants().updateIdentity(code, change);
      return null;
    },
    'consent.chooseEvidence': async () => files.grant(await deps.platform.chooseFile('evidence')),
    'consent.record': ({ code, evidence, ...input }) => {
      participants().recordConsent(code, { ...input, evidence: evidence ? { path: files.path(evidence) } : undefined });
      return null;
    },
    'forms.list': () => listForms(keylist()),
    'forms.update': ({ version, locale, text }) => updateFormText(keylist(), version, locale, text),
    'forms.newVersion': () => newFormVersion(keylist(), deps.now()),
    'forms.export': async ({ version, locale, format }) => {
      const form = getForm(keylist(), version);
      const html = renderFormHtml(form.texts[locale], locale, { version, hash: form.hashes[locale] });
      return saveDocument(html, `${folderName(form.texts[locale].title).slice(0, 40)}-v${version}-${locale}`, format);
    },
    'withdrawal.preview': ({ code }) => participants().withdrawalPreview(code),
    'withdrawal.execute': async ({ code, confirmCode, date, jobId }) => {
      confirm(confirmCode, code);
      // The recordings' blobs are overwritten in slices off this thread's way, with progress
      // under the job id; its Cancel is not offered (a withdrawal runs to the end).
      const receipt = await work.run(jobId, ({ onProgress }) => participants().withdraw(code, date, { onProgress }));
      // The promise reaches the backup places that can be reached now (issue 28).
      const backupPlaces = await backupAfterWithdrawal(sessions.require(), deps.crypto, deps.now, code);
      return backupPlaces.length ? { ...receipt, backupPlaces } : receipt;
    },
    'withdrawal.receipt': ({ code }) => withBackupPlaces(participants().receipt(code)),
    'withdrawal.saveReceipt': async ({ code, locale, format }) => saveDocument(participants().receiptHtml(code, locale, withBackupPlaces({ code })), `${locale === 'nb' ? 'kvittering' : 'receipt'}-${code}`, format),
    'certificates.save': async ({ executedAt, format }) => {
      const cert = listCertificates(sessions.require().path).find((c) => c.executedAt === executedAt);
      if (!cert) throw new HvelvError('NOT_FOUND', `no deletion certificate of ${executedAt}`);
      return saveDocument(renderCertificateHtml(cert), `slettebekreftelse-deletion-certificate-${cert.executedAt.slice(0, 10)}`, format);
    },
    'access.export': async ({ code, locale }) => {
      participants(); // locked vault: fail before asking for a folder
      const folder = await deps.platform.chooseFolder('export');
      if (!folder) return null;
      return await participants().accessRequest(code, folder, locale);
    },
    'recordings.list': () => recordings().list(),
    'recordings.chooseFile': async () => files.grant(await deps.platform.chooseFile('audio')),
    'recordings.import': async ({ jobId, code, file: token }) => {
      const file = files.path(token);
      const ctl = new AbortController();
      imports.set(jobId, ctl);
      let last = 0;
      try {
        return await recordings().import(code, file, {
          signal: ctl.signal,
          onProgress: ({ bytes, total }) => {
            // At most ten updates a second: enough for a smooth bar, cheap over IPC.
            const t = Date.now();
            if (t - last < 100 && bytes < total) return;
            last = t;
            sessions.touch();
            deps.emit({ type: 'import-progress', jobId, bytes, total });
          },
        });
      } finally {
        imports.delete(jobId);
      }
    },
    'asr.models': () => {
      const dir = deps.config.dataDir;
      const interfaceLanguage = deps.config.language === 'system' ? localeFromSystem(deps.platform.systemLocale()) : deps.config.language;
      const list = listModelFiles(dir).map((f) => ({ name: path.basename(f.file), bytes: f.bytes }));
      const last = deps.config.asrModel;
      return {
        folder: modelsDir(dir),
        files: list,
        lastModel: last && list.some((f) => f.name === last) ? last : null,
        defaultLanguage: deps.config.asrLanguage ?? interfaceLanguage,
      };
    },
    // Settings lists the models: each file's header read and hashed (one at a time, so a
    // folder of large models does not fill the disk queue), never given to the engine.
    'asr.checkModels': async () => {
      const out = [];
      for (const f of listModelFiles(deps.config.dataDir)) {
        const name = path.basename(f.file);
        // The status-change time too: size and mtime can both be kept by a swap (utimes); ctime cannot.
        const key = `${f.bytes}:${f.mtimeMs}:${f.ctimeMs}`;
        const seen = modelChecks.get(name);
        if (seen?.key === key) {
          out.push(seen.result);
          continue;
        }
        let result: Outputs['asr.checkModels'][number];
        try {
          const c = await checkModel(f.file, knownModels);
          result = { name, bytes: f.bytes, size: c.size, multilingual: c.header.multilingual, known: c.known?.name ?? null, verified: c.verified, expectedRealtime: expectedRealtime(c.size, cores), problem: null };
        } catch (err) {
          result = { name, bytes: f.bytes, size: null, multilingual: null, known: null, verified: false, expectedRealtime: null, problem: err instanceof HvelvError ? err.code : ('FILE_UNREADABLE' as const) };
        }
        modelChecks.set(name, { key, result });
        out.push(result);
      }
      return out;
    },
    'asr.knownModels': () => {
      const installed = new Set(listModelFiles(deps.config.dataDir).map((f) => path.basename(f.file)));
      const sizeOf: Record<number, string> = { 4: 'tiny', 6: 'base', 12: 'small', 24: 'medium' };
      return {
        cores,
        models: knownModels.map((m) => ({
          id: m.id,
          name: m.name,
          languages: [...m.languages],
          archiveBytes: m.archiveBytes,
          hashKnown: m.sha256 !== null,
          expectedRealtime: expectedRealtime(sizeOf[m.layers] ?? 'other', cores),
          installed: installed.has(m.id),
        })),
      };
    },
    // The one network request Hvelv makes (docs/threat-model.md): here in main, only for a
    // model the student chose from the known list, by its id; the page names no address.
    'asr.installModel': async ({ jobId, id }) => {
      const known = knownModels.find((m) => m.id === id);
      if (!known) throw new HvelvError('NOT_FOUND', `no known model ${id}`);
      if (modelInstalls.has(jobId)) throw new HvelvError('INVALID_INPUT', 'that download is already running');
      // One download per model, and none of one already installed: asked before any connection.
      if (installingIds.has(id)) throw new HvelvError('MODEL_INSTALLED', `${id} is already being downloaded`);
      if (fs.existsSync(path.join(modelsDir(deps.config.dataDir), known.id))) throw new HvelvError('MODEL_INSTALLED', `a model named ${known.id} is already installed (remove it first)`);
      const ac = new AbortController();
      modelInstalls.set(jobId, ac);
      installingIds.add(id);
      let last = 0;
      try {
        const m = await installModel({
          modelsDir: modelsDir(deps.config.dataDir),
          source: known.url,
          list: knownModels,
          signal: ac.signal,
          onProgress: (p) => {
            const t = Date.now();
            if (t - last < 100 && p.bytes !== p.total) return;
            last = t;
            deps.emit({ type: 'model-progress', jobId, phase: p.phase, bytes: p.bytes, total: p.total });
          },
        });
        return { name: m.name, verified: m.verified };
      } finally {
        modelInstalls.delete(jobId);
        installingIds.delete(id);
      }
    },
    'asr.cancelInstall': ({ jobId }) => {
      modelInstalls.get(jobId)?.abort();
      return null;
    },
    'asr.removeModel': ({ name }) => {
      removeModel(modelsDir(deps.config.dataDir), name);
      modelChecks.delete(name);
      return null;
    },
    'asr.draft': async ({ jobId, recordingId, model, language, source }) => {
      // Only a file in the models folder, by name: the page never names a path.
      const file = path.join(modelsDir(deps.config.dataDir), path.basename(model));
      deps.config.setAsrLanguage(language);
      deps.config.setAsrModel(path.basename(model));
      const ctl = new AbortController();
      drafts.set(jobId, ctl);
      const pcm = source === 'page' ? pcmChannel(jobId, true) : undefined;
      let last = 0;
      try {
        // The speaker models, where the student has them (models/speakers/): each turn then gets its voice.
        const speakers = speakersDir(deps.config.dataDir);
        return await makeDraft(sessions.require(), recordingId, {
          model: file,
          speakers: fs.existsSync(speakers) ? speakers : undefined,
          pcm,
          language,
          // One core stays with the app, so it remains usable while the draft is made.
          threads: Math.max(1, os.availableParallelism() - 1),
          signal: ctl.signal,
          spawn: deps.spawnAsrWorker,
          now: deps.now,
          onProgress: (progress) => {
            const t = Date.now();
            if (t - last < 250 && progress.percent < 100) return;
            last = t;
            // A draft in the making is work: it keeps the vault from locking for being idle.
            sessions.touch();
            deps.emit({ type: 'draft-progress', jobId, progress });
          },
        });
      } catch (err) {
        // The page's pieces still waiting get the draft's own reason (cancelled, locked, failed).
        pcm?.close(err instanceof Error ? err : new HvelvError('ASR_FAILED', String(err)));
        throw err;
      } finally {
        pcm?.close(new HvelvError('CANCELLED', 'the draft is done'));
        pcmChannels.delete(jobId);
        if (pcm) {
          endedDrafts.add(jobId);
          setTimeout(() => endedDrafts.delete(jobId), 120_000).unref();
        }
        drafts.delete(jobId);
      }
    },
    'asr.pcm': async ({ jobId, pcm, last }) => {
      sessions.require();
      await pcmChannel(jobId, false).push(Buffer.from(pcm, 'base64'), last);
      return null;
    },
    'asr.cancel': ({ jobId }) => {
      drafts.get(jobId)?.abort();
      pcmChannels.get(jobId)?.channel.close(new HvelvError('CANCELLED', 'the draft was cancelled'));
      return null;
    },
    'transcripts.markChecked': ({ id }) => transcripts().markChecked(id),
    'transcripts.heard': ({ id, ms }) => transcripts().heard(id, ms),
    'transcripts.nameSpeakers': ({ id, names }) => transcripts().nameSpeakers(id, names),
    'recordings.cancelImport': ({ jobId }) => {
      imports.get(jobId)?.abort();
      return null;
    },
    'projectEnd.state': () => projectEnd.current(),
    'projectEnd.dismiss': () => {
      projectEnd.dismiss();
      return null;
    },
    'work.cancel': ({ jobId }) => {
      work.cancel(jobId);
      return null;
    },
    'recordings.deleteOriginal': async ({ id, file, jobId }) => {
      // The check (the stored copy and the original hashed) in slices, with progress and Cancel.
      await work.run(jobId, (opts) => recordings().deleteOriginal(id, files.path(file), opts));
      return null;
    },
    'recordings.delete': async ({ id, confirmCode, jobId }) => {
      const r = recordings();
      confirm(confirmCode, r.get(id).code);
      // The key goes first; the blob's overwriting follows in slices, with progress, no Cancel.
      await work.run(jobId, ({ onProgress }) => r.delete(id, { onProgress }));
      return null;
    },
    'recordings.export': async ({ id, jobId }) => {
      const info = recordings().get(id);
      const target = await deps.platform.chooseSavePath(`${info.code}-${info.id.slice(0, 8)}.${info.format}`);
      if (!target) return null;
      // Decrypted in slices that give way (core's export); with a job id, its progress goes
      // to the page and Cancel removes what was written (CANCELLED).
      await work.run(jobId, (opts) => recordings().export(id, target, opts));
      return target;
    },
    'recordings.mediaUrl': ({ id }) => {
      recordings().get(id);
      return deps.platform.mediaUrl(id);
    },
    'recordings.setRecordedAt': ({ id, date }) => recordings().setRecordedAt(id, date),
    'transcripts.list': () => transcripts().list(),
    'transcripts.get': ({ id }) => transcripts().get(id),
    'transcripts.chooseFile': async () => files.grant(await deps.platform.chooseFile('transcript')),
    'transcripts.import': ({ code, file, recordingId }) => transcripts().import(code, files.path(file), { recordingId }),
    'transcripts.create': ({ code, recordingId }) => transcripts().create(code, '', 'hvelv', recordingId),
    'transcripts.update': ({ id, text, complete, speakers, autosave }) => transcripts().update(id, { text, complete, speakers, autosave }),
    'recordings.peaks': ({ id }) => {
      const p = recordings().peaks(id);
      return p ? Buffer.from(p).toString('base64') : null;
    },
    'transcripts.autosave': ({ id, text }) => transcripts().autosave(id, text),
    'recordings.computePeaks': async ({ id }) => {
      const p = await recordings().ensurePeaks(id);
      return p ? Buffer.from(p).toString('base64') : null;
    },
    'recordings.storePeaks': ({ id, peaks }) => {
      recordings().storePeaks(id, new Uint8Array(Buffer.from(peaks, 'base64')));
      return null;
    },
    'transcription.settings': () => deps.config.transcription(),
    'transcription.saveSettings': (input) => deps.config.setTranscription(input),
    'transcription.markers': () => transcripts().markers() ?? defaultMarkers(info().locale),
    'transcription.saveMarkers': ({ markers }) => transcripts().setMarkers(markers),
    'transcripts.check': ({ id }) => transcripts().check(id),
    'transcripts.deidentify': ({ id, replace, kept }) => transcripts().deidentify(id, replace, kept),
    'transcripts.undoReplacement': ({ id }) => transcripts().undoReplacement(id),
    'transcripts.acceptReplacements': ({ id }) => transcripts().acceptReplacements(id),
    'transcripts.exportFindings': ({ id }) => transcripts().exportFindings(id),
    'transcripts.export': async ({ id, format, accepted }) => {
      const t = transcripts().get(id);
      // Checked before the dialog: a refused export asks for no file name (and again on writing).
      const open = transcripts().exportFindings(id).filter((f) => !accepted.includes(f.id));
      if (open.length) throw new HvelvError('DETAILS_UNCHECKED', `${open.length} finding(s) neither replaced nor accepted`);
      const target = await deps.platform.chooseSavePath(`${t.code}-transkripsjon.${format}`);
      if (!target) return null;
      transcripts().export(id, target, format, accepted);
      return target;
    },
    'transcripts.delete': ({ id, confirmCode }) => {
      const t = transcripts();
      confirm(confirmCode, t.get(id).code);
      t.delete(id);
      return null;
    },
    'deadline.extend': ({ to, reason, siktRef, siktNotifiedOn }) => {
      const s = sessions.require();
      s.extendEndDate({ to, reason, siktRef, siktNotifiedOn }, localIsoDate(deps.now()));
      return projectStatus(s, deps.now());
    },
    'deadline.setAction': ({ endAction }) => {
      const s = sessions.require();
      s.setEndAction(endAction);
      return projectStatus(s, deps.now());
    },
    'schedule.status': () => {
      const s = sessions.require();
      if (process.platform !== 'linux' || !deps.platform.scheduleCommand()) return { supported: false, installed: false, detail: process.platform };
      const st = statusLinux(s.vaultId, deps.platform.configHome);
      return { supported: true, installed: st.installed, detail: st.unit === 'rejected' ? `systemd rejects the unit: ${st.problem}` : `${st.enabled}/${st.active}` };
    },
    'exchange.plan': ({ format, recordings, crlf }) => new Exchange(sessions.require(), deps.now).plan(format, { recordings, crlf }),
    'exchange.export': async ({ format, recordings, crlf, accepted }) => {
      const s = sessions.require();
      const ex = new Exchange(s, deps.now);
      // Checked before the dialog: a refused export asks for no file name.
      const open = ex.plan(format, { recordings, crlf }).findings.filter((f) => !accepted.includes(f.id));
      if (open.length) throw new HvelvError('DETAILS_UNCHECKED', `${open.length} finding(s) neither replaced nor accepted`);
      const target = await deps.platform.chooseSavePath(`${folderName(s.facts.title) || 'hvelv'}.${format}`);
      if (!target) return null;
      const plan = format === 'qdpx' ? ex.exportQdpx(target, { recordings, crlf, accepted }) : ex.exportQdc(target, { accepted });
      return { file: path.basename(target), plan };
    },
    'exchange.chooseFile': async () => files.grant(await deps.platform.chooseFile('exchange')),
    'exchange.preview': ({ file }) => new ExchangeImport(sessions.require(), deps.now).preview(readExchangeFile(files.path(file), QDPX_MAX_BYTES)),
    'exchange.import': ({ file, assign }) =>
      new ExchangeImport(sessions.require(), deps.now).importFile(readExchangeFile(files.path(file), QDPX_MAX_BYTES), new Map(assign.map((a) => [a.source, a.code]))),
    'schedule.install': () => {
      const s = sessions.require();
      const command = deps.platform.scheduleCommand();
      if (process.platform !== 'linux' || !command) throw new HvelvError('FORBIDDEN', 'the daily job is installed from the command line on this system (hvelv schedule install)');
      const r = installLinux({ vaultPath: s.path, vaultId: s.vaultId, title: s.facts.title, ownerKey: toB64(s.ownerPublicKey), command }, deps.platform.configHome);
      s.audit.append('schedule.installed', { details: { activated: r.activated } });
      return { installed: true, detail: r.note };
    },
    'settings.update': ({ autoLockMinutes }) => {
      const s = sessions.require();
      s.updateSettings({ autoLockMinutes });
      sessions.touch();
      return projectStatus(s, deps.now());
    },
    ...asrQueueHandlers({
      session: () => sessions.require(),
      now: deps.now,
      modelsDir: () => modelsDir(deps.config.dataDir),
      spawn: deps.spawnAsrWorker,
      chosen: (model, language) => {
        deps.config.setAsrModel(model);
        deps.config.setAsrLanguage(language);
      },
    }),
    ...analysisHandlers({ session: () => sessions.require(), now: deps.now, chooseSavePath: (name) => deps.platform.chooseSavePath(name), transcripts }),
    ...supervisorHandlers({
      work,
      session: () => sessions.require(),
      crypto: deps.crypto,
      kdfPolicy: deps.kdfPolicy,
      now: deps.now,
      config: deps.config,
      files,
      chooseFile: (purpose) => deps.platform.chooseFile(purpose),
      chooseSavePath: (name) => deps.platform.chooseSavePath(name),
      printToPdf: deps.platform.printToPdf,
      createOptions: deps.createOptions,
      locale: () => info().locale,
      timers: deps.timers,
      scheduleCommand: () => deps.platform.scheduleCommand(),
      configHome: deps.platform.configHome,
      onLocked: (reason, minutes) => deps.emit({ type: 'supervisor-locked', reason, minutes }),
      folder: supervisorFolder,
      shareMediaUrl: deps.platform.shareMediaUrl,
    }),
    ...attributeHandlers({
      session: () => sessions.require(),
      now: deps.now,
      locale: () => (deps.config.language === 'system' ? localeFromSystem(deps.platform.systemLocale()) : deps.config.language),
    }),
    ...notificationHandlers({
      session: () => sessions.require(),
      now: deps.now,
      chooseSavePath: (name) => deps.platform.chooseSavePath(name),
      // As 'schedule.status': only Linux's job is installed from the app; a unit systemd rejects never runs.
      dailyJob: (s) => {
        if (process.platform !== 'linux' || !deps.platform.scheduleCommand()) return null;
        return dailyJobRuns(statusLinux(s.vaultId, deps.platform.configHome));
      },
    }),
    ...backupHandlers({
      session: () => sessions.require(),
      crypto: deps.crypto,
      now: deps.now,
      chooseFolder: () => deps.platform.chooseFolder('export'),
      vaultDeps,
      chooseMoveFolder: () => deps.platform.chooseFolder('create'),
      runWork: (jobId, fn) => work.run(jobId, fn),
      pathMoved: (from, to) => deps.config.vaultMoved(from, to),
      moved: (session, previous) => sessions.moved(session, previous),
      configHome: deps.platform.configHome,
    }),
  };
  return { handlers, sessions, files, supervisorFolder, projectEnd };
}

/**
 * Files the user chose, by token. The page names a file only by a token main handed out
 * from its own dialog or a real drop, so it cannot make Hvelv read anything else.
 */
export class FileGrants {
  private readonly byToken = new Map<string, string>();

  grant(file: string | null): ChosenFile | null {
    if (!file) return null;
    const token = randomBytes(16).toString('hex');
    this.byToken.set(token, file);
    return { token, name: path.basename(file) };
  }

  path(token: string): string {
    const file = this.byToken.get(token);
    if (!file) throw new HvelvError('FORBIDDEN', 'that file was not chosen in this session');
    return file;
  }
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
export const folderName = (title: string): string => fileSlug(title, 60, 'prosjekt');
