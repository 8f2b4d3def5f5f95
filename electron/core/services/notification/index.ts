/**
 * The data-handling text for Sikt's notification form (meldeskjema) and the data
 * management plan (issue 33). This folder owns deriving that text from what the vault
 * really does, and the snapshot of what it said when the student last copied it.
 *
 * It serves the information letter's promise that the data are handled as Sikt was
 * told: stored encrypted on the student's computer, seen only by the student and the
 * supervisor, with names kept apart from the data, withdrawal at any time, and the data
 * anonymised (or deleted) at the end date. Sikt is told of that promise through this
 * text, so each sentence is written from the vault's actual settings and state
 * (`notificationFacts`), and a sentence the vault cannot back is not written. The facts
 * hold no personal data: counts, dates, random ids and model file names, never a name,
 * a supervisor's label or a participant's code.
 *
 * The snapshot (the facts when the text was last copied or saved) is a private file of
 * the vault (`notification.sealed`, sealed under the user key like `exports.sealed`), so
 * it outlives the stores at the project end and is never in plaintext.
 */
import * as path from 'node:path';
import type { IsoDate } from '../../../../shared/domain';
import { localIsoDate } from '../../../../shared/domain';
import { formatLongDate, translate, type Locale, type MessageKey } from '../../../../shared/i18n/catalogue';
import type { NotificationChange, NotificationFacts, NotificationSupervisor, NotificationText, NotificationView } from '../../../../shared/notification';
import { T, type RegistryEntry } from '../../consent/model';
import { DATA_STORES } from '../../vault/layout';
import type { VaultSession } from '../../vault/vault';
import { listCertificates } from '../project-end/project-end';
import { RECORDING_TABLE } from '../recordings/recordings';
import { SUPERVISOR_TABLE, type SupervisorRecord } from '../supervisor/student';
import { TRANSCRIPT_TABLE, Transcripts, type TranscriptRecord } from '../transcripts/transcripts';
import { notificationMarkdown } from './documents';
import { syncedByMarkers, type SyncContext } from '../backup/synced';
import { readRecord } from '../backup/places';

/** The private file holding the snapshot of the facts last copied. */
export const SNAPSHOT_PURPOSE = 'notification';

export interface FactsOptions {
  now: () => Date;
  /** Whether the operating system's daily deletion job is installed (null: not known on this system). */
  dailyJob?: boolean | null;
}

/** Folder names that cloud services synchronise, and the service's name to write. */
const SYNCED_FOLDERS: [RegExp, string][] = [
  [/^OneDrive( - .+)?$/i, 'OneDrive'],
  [/^Dropbox( \(.+\))?$/i, 'Dropbox'],
  [/^(Google Drive|GoogleDrive|My Drive|Min disk)$/i, 'Google Drive'],
  [/^(iCloud Drive|iCloudDrive|com~apple~CloudDocs)$/i, 'iCloud'],
  [/^(Box|Box Sync)$/i, 'Box'],
  [/^Nextcloud$/i, 'Nextcloud'],
  [/^ownCloud$/i, 'ownCloud'],
  [/^pCloud Drive$/i, 'pCloud'],
  [/^Jottacloud$/i, 'Jottacloud'],
  [/^SynologyDrive$|^Synology Drive$/i, 'Synology Drive'],
  [/^MEGA( Sync)?$|^MEGAsync$/i, 'MEGA'],
  [/^Tresorit$/i, 'Tresorit'],
];

/** macOS's File Provider folders (~/Library/CloudStorage/<Service>-<account>): the service by the name's start. */
const CLOUD_STORAGE: [RegExp, string][] = [
  [/^OneDrive/i, 'OneDrive'],
  [/^GoogleDrive/i, 'Google Drive'],
  [/^Dropbox/i, 'Dropbox'],
  [/^Box/i, 'Box'],
  [/^iCloud/i, 'iCloud'],
];

/**
 * The cloud service whose synchronised folder holds this path, told by the clients' marker
 * files and settings (backup/synced.ts), then by the folders' names; null if none is recognised (which is not proof that none syncs it: the text says only that
 * Hvelv did not recognise one).
 */
export function syncedBy(vaultPath: string, ctx?: SyncContext): string | null {
  // The clients' own marker files and settings first (backup/synced.ts), then the folders' names.
  const byMarker = syncedByMarkers(vaultPath, ctx);
  if (byMarker) return byMarker;
  const parts = path.resolve(vaultPath).split(/[\\/]+/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i >= 2 && parts[i - 1] === 'CloudStorage' && parts[i - 2] === 'Library') {
      // Every folder there is a cloud provider's, known by name or not.
      return CLOUD_STORAGE.find(([re]) => re.test(part))?.[1] ?? part.split('-')[0]!;
    }
    for (const [re, name] of SYNCED_FOLDERS) if (re.test(part)) return name;
  }
  return null;
}

/** What the text is written from: the vault's settings and state, without personal data. */
export function notificationFacts(session: VaultSession, opts: FactsOptions): NotificationFacts {
  const f = session.facts;
  const today = localIsoDate(opts.now());
  const destroyed = DATA_STORES.filter((s) => session.stores[s].destroyed);
  const keylist = session.stores.keylist;
  const registry = keylist.destroyed ? [] : keylist.list<RegistryEntry>(T.participant).map((r) => r.data);
  const transcriptsStore = session.stores.transcripts;
  const summaries = transcriptsStore.destroyed ? [] : new Transcripts(session, opts.now).list();
  const records = transcriptsStore.destroyed ? [] : transcriptsStore.list<TranscriptRecord>(TRANSCRIPT_TABLE).map((r) => r.data);
  const supervisors = transcriptsStore.destroyed ? [] : transcriptsStore.list<SupervisorRecord>(SUPERVISOR_TABLE).map((r) => ({ id: r.id, ...r.data }));
  supervisors.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  const withAccess: NotificationSupervisor[] = supervisors
    .filter((s) => s.revokedAt === null && s.until > today)
    .map((s) => ({ id: s.id, until: s.until, recordings: s.recordings }));
  // The copy is destroyed on the until-day itself (held.ts's isExpired): access lasts while it is later than today.
  const removed = supervisors.filter((s) => s.revokedAt !== null && s.shares.length > 0 && s.until > today);
  const certificates = listCertificates(session.path);
  return {
    endDate: f.endDate,
    endAction: f.endAction,
    siktRef: f.siktRef,
    kdf: session.kdf,
    autoLockMinutes: f.autoLockMinutes,
    syncedBy: syncedBy(session.path),
    destroyed,
    // When it was carried out (the computer's clock), not the day it was judged by (--now).
    deletedOn: destroyed.length > 0 ? (((certificates.at(-1)?.carriedOutAt ?? certificates.at(-1)?.executedAt)?.slice(0, 10) as IsoDate | undefined) ?? null) : null,
    participants: { active: registry.filter((e) => e.status === 'active').length, withdrawn: registry.filter((e) => e.status !== 'active').length },
    recordings: session.stores.recordings.destroyed ? 0 : session.stores.recordings.versions(RECORDING_TABLE).size,
    transcripts: {
      total: summaries.length,
      imported: summaries.filter((t) => t.sourceFormat === 'txt' || t.sourceFormat === 'docx' || t.sourceFormat === 'srt' || t.sourceFormat === 'vtt').length,
      drafts: records.filter((r) => r.sourceFormat === 'asr').length,
      withFindings: summaries.filter((t) => t.identifiers > 0).length,
    },
    draftModels: [...new Set(records.flatMap((r) => (r.sourceFormat === 'asr' && r.draft ? [r.draft.model] : [])))].sort(),
    supervisors: withAccess,
    removedHolding: { count: removed.length, until: removed.length ? removed.map((s) => s.until).sort().at(-1)! : null },
    endDateMoves: session.endDateHistory.map((h) => ({ from: h.from as IsoDate, to: h.to as IsoDate, changedOn: h.changedAt.slice(0, 10) as IsoDate })),
    dailyJob: opts.dailyJob ?? null,
    // A disk recorded destroyed is no longer a place the data are kept.
    backupPlaces: readRecord(session)
      .places.filter((p) => !p.destroyedOn)
      .map((p) => syncedBy(p.dir)),
  };
}

/** Argon2id's memory as people write it: "256 MiB" (a test vault's few KiB as such). */
const memory = (bytes: number): string => (bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`);

/** The text, in the language of the form, from the facts. */
export function notificationText(facts: NotificationFacts, title: string, producedOn: IsoDate, locale: Locale): NotificationText {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const date = (d: string) => formatLongDate(d, locale);
  const gone = (s: 'keylist' | 'recordings' | 'transcripts') => facts.destroyed.includes(s);
  const ended = facts.destroyed.length > 0;

  const storage: string[] = [
    facts.syncedBy ? t('notif.storage.synced', { service: facts.syncedBy }) : t('notif.storage.vault'),
    t(gone('recordings') ? 'notif.storage.cryptoNoRecordings' : 'notif.storage.crypto', { memory: memory(facts.kdf.memlimit), passes: facts.kdf.opslimit }),
  ];
  if (!gone('keylist')) storage.push(t('notif.storage.keylist'));
  storage.push(t('notif.storage.lock', { minutes: facts.autoLockMinutes }));
  if (!ended) storage.push(t('notif.storage.counts', { active: facts.participants.active, recordings: facts.recordings, transcripts: facts.transcripts.total }));
  const places = facts.backupPlaces ?? [];
  const placeServices = [...new Set(places.filter((x): x is string => x !== null))].sort();
  // No place: no sentence (a copy the student makes by other means is not Hvelv's to describe).
  if (places.length > 0) {
    const local = places.filter((x) => x === null).length;
    const kinds = [...placeServices.map((service) => t('notif.backup.synced', { service })), ...(local > 0 ? [t('notif.backup.local', { n: local })] : [])];
    storage.push(t('notif.backup.places', { n: places.length, places: kinds.join(locale === 'nb' ? ' og ' : ' and ') }));
  }

  const access: string[] = [facts.supervisors.length ? t('notif.access.studentAndSupervisors') : t('notif.access.student')];
  facts.supervisors.forEach((s, i) => {
    const n = i + 1;
    access.push(t('notif.access.supervisor', { n, until: date(s.until) }));
    access.push(s.recordings ? t('notif.access.supervisorRecordings', { n }) : t('notif.access.supervisorNoRecordings', { n }));
  });
  if (facts.supervisors.length || facts.removedHolding.count) {
    if (facts.removedHolding.count && facts.removedHolding.until) access.push(t('notif.access.removed', { count: facts.removedHolding.count, until: date(facts.removedHolding.until) }));
    access.push(t('notif.access.supervisorEnd'));
  }

  // A synchronised folder makes its service a processor of the encrypted copies, whatever Hvelv itself does.
  const processors: string[] = [facts.syncedBy ? t('notif.processors.synced', { service: facts.syncedBy }) : t('notif.processors.none')];
  if (facts.transcripts.drafts > 0 && facts.draftModels.length > 0) {
    processors.push(t('notif.processors.drafts', { count: facts.transcripts.drafts, models: facts.draftModels.length, modelNames: facts.draftModels.join(', ') }));
  }
  if (facts.transcripts.imported > 0) processors.push(t('notif.processors.imported', { count: facts.transcripts.imported }));
  for (const service of placeServices) if (service !== facts.syncedBy) processors.push(t('notif.processors.backupSynced', { service }));

  const withdrawal: string[] = [];
  if (!gone('keylist')) {
    withdrawal.push(t('notif.withdrawal.what'), t('notif.withdrawal.receipt'));
    if (facts.supervisors.length || facts.removedHolding.count) withdrawal.push(t('notif.withdrawal.supervisors'));
    if (facts.syncedBy) withdrawal.push(t('notif.synced.versions', { service: facts.syncedBy }));
    if (places.length > 0) withdrawal.push(t('notif.backup.withdrawal'));
  }
  if (facts.participants.withdrawn > 0) withdrawal.push(t('notif.withdrawal.count', { count: facts.participants.withdrawn }));

  const end: string[] = [facts.siktRef ? t('notif.end.dateSikt', { date: date(facts.endDate), ref: facts.siktRef }) : t('notif.end.date', { date: date(facts.endDate) })];
  for (const m of facts.endDateMoves) end.push(t('notif.end.moved', { from: date(m.from), to: date(m.to), on: date(m.changedOn) }));
  end.push(facts.endAction === 'anonymise' ? t('notif.end.anonymise') : t('notif.end.deleteAll'));
  if (facts.syncedBy && !gone('keylist')) end.push(t('notif.synced.versions', { service: facts.syncedBy }));
  if (places.length > 0) end.push(t('notif.backup.end'));
  // What no software can do, said where it matters: a copy outside Hvelv's reach.
  if (places.length > 0 || facts.syncedBy) end.push(t('notif.backup.limits'));
  if (ended) {
    if (facts.deletedOn) end.push(t('notif.end.done', { date: date(facts.deletedOn) }));
  } else {
    end.push(t('notif.end.headless'));
    if (facts.dailyJob === true) end.push(t('notif.end.dailyJob'));
    else if (facts.dailyJob === false) end.push(t('notif.end.noDailyJob'));
  }

  const deid: string[] = [gone('keylist') ? t('notif.deid.checkNoKeyList') : t('notif.deid.check'), t('notif.deid.private')];
  if (!gone('transcripts') && facts.transcripts.total > 0) {
    deid.push(facts.transcripts.withFindings > 0 ? t('notif.deid.open', { count: facts.transcripts.withFindings, total: facts.transcripts.total }) : t('notif.deid.clear', { total: facts.transcripts.total }));
  }

  const sections: NotificationText['sections'] = [
    { id: 'storage', heading: t('notif.section.storage'), paragraphs: storage },
    { id: 'access', heading: t('notif.section.access'), paragraphs: access },
    { id: 'processors', heading: t('notif.section.processors'), paragraphs: processors },
    { id: 'withdrawal', heading: t('notif.section.withdrawal'), paragraphs: withdrawal },
    { id: 'end', heading: t('notif.section.end'), paragraphs: end },
    { id: 'deidentification', heading: t('notif.section.deidentification'), paragraphs: deid },
  ];
  return {
    locale,
    title: t('notif.docTitle', { title }),
    produced: t('notif.produced', { date: date(producedOn) }),
    sections: sections.filter((s) => s.paragraphs.length > 0),
  };
}

/**
 * What changed since the snapshot, in words; `notice` marks what Sikt must be sent a
 * change notice (endringsmelding) for: a new end date or end action, a supervisor added
 * or given longer access, recordings switched on for a supervisor, the vault moved into
 * a folder a cloud service synchronises.
 */
export function notificationChanges(before: NotificationFacts, now: NotificationFacts, locale: Locale): NotificationChange[] {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const date = (d: string) => formatLongDate(d, locale);
  const out: NotificationChange[] = [];
  if (before.endDate !== now.endDate) out.push({ text: t('notif.change.endDate', { from: date(before.endDate), to: date(now.endDate) }), notice: true });
  if (before.endAction !== now.endAction) out.push({ text: t(now.endAction === 'anonymise' ? 'notif.change.endAction.anonymise' : 'notif.change.endAction.deleteAll'), notice: true });
  const was = new Map(before.supervisors.map((s) => [s.id, s]));
  now.supervisors.forEach((s, i) => {
    const n = i + 1;
    const old = was.get(s.id);
    if (!old) {
      out.push({ text: t(s.recordings ? 'notif.change.supervisorAddedRecordings' : 'notif.change.supervisorAdded', { until: date(s.until) }), notice: true });
      return;
    }
    if (!old.recordings && s.recordings) out.push({ text: t('notif.change.recordingsOn', { n }), notice: true });
    if (old.recordings && !s.recordings) out.push({ text: t('notif.change.recordingsOff', { n }), notice: false });
    if (old.until !== s.until) out.push({ text: t('notif.change.until', { n, from: date(old.until), to: date(s.until) }), notice: s.until > old.until });
  });
  const still = new Set(now.supervisors.map((s) => s.id));
  for (const s of before.supervisors) if (!still.has(s.id)) out.push({ text: t('notif.change.supervisorRemoved'), notice: false });
  if (before.syncedBy !== now.syncedBy) out.push(now.syncedBy ? { text: t('notif.change.synced', { service: now.syncedBy }), notice: true } : { text: t('notif.change.notSynced'), notice: false });
  // A backup place a cloud service synchronises makes that service a processor: a change notice.
  const services = (f: NotificationFacts) => new Set((f.backupPlaces ?? []).filter((x): x is string => x !== null));
  if (before.backupPlaces !== undefined && JSON.stringify(before.backupPlaces) !== JSON.stringify(now.backupPlaces ?? [])) {
    const added = [...services(now)].filter((x) => !services(before).has(x));
    out.push({ text: t('notif.change.backups', { n: (now.backupPlaces ?? []).length }), notice: added.length > 0 });
  }
  const newModels = now.draftModels.filter((m) => !before.draftModels.includes(m));
  if (newModels.length) out.push({ text: t('notif.change.models', { count: newModels.length, models: newModels.join(', ') }), notice: false });
  if (before.dailyJob !== true && now.dailyJob === true && now.destroyed.length === 0) out.push({ text: t('notif.change.dailyJob'), notice: false });
  if (before.destroyed.length === 0 && now.destroyed.length > 0) out.push({ text: t('notif.change.deleted'), notice: false });
  return out;
}

interface Snapshot {
  copiedAt: string;
  facts: NotificationFacts;
}

/** The page's and the command's way in: the text now, what changed since it was copied, and keeping a new snapshot. */
export class Notification {
  constructor(
    private readonly session: VaultSession,
    private readonly opts: FactsOptions,
  ) {}

  facts(): NotificationFacts {
    return notificationFacts(this.session, this.opts);
  }

  private snapshot(): Snapshot | null {
    const bytes = this.session.readPrivateFile(SNAPSHOT_PURPOSE);
    if (!bytes) return null;
    return JSON.parse(new TextDecoder().decode(bytes)) as Snapshot;
  }

  view(locale: Locale, facts: NotificationFacts = this.facts()): NotificationView {
    const producedOn = localIsoDate(this.opts.now());
    const text = notificationText(facts, this.session.facts.title, producedOn, locale);
    const last = this.snapshot();
    return {
      text,
      markdown: notificationMarkdown(text),
      producedOn,
      lastCopiedOn: last ? localIsoDate(new Date(last.copiedAt)) : null,
      changes: last ? notificationChanges(last.facts, facts, locale) : [],
    };
  }

  /** The student copied or saved the text: its facts become what the next changes are measured against. */
  markCopied(facts: NotificationFacts = this.facts()): void {
    const snap: Snapshot = { copiedAt: this.opts.now().toISOString(), facts };
    this.session.writePrivateFile(SNAPSHOT_PURPOSE, new TextEncoder().encode(JSON.stringify(snap)));
    this.session.audit.append('notification.copied', {});
  }
}
