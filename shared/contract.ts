/**
 * The IPC contract: the only list of what the renderer may ask of main. Each
 * method has a zod schema for its input; main parses every payload with it
 * before anything else runs. Preload and main are derived from this table.
 */
import type { ExchangeFinding, ExportPlan, ImportPreview, ImportResult } from './exchange';
import { z } from 'zod';
import { ASR_LANGUAGES, type AsrLanguage, type DraftProgress } from './asr';
import type { MachineTextCount } from './machine-text';
import type { QueueState } from './asr-queue';
import {
  hasControlCharacter,
  isIsoDate,
  isParticipantCode,
  AUTO_LOCK_MAX_MINUTES,
  AUTO_LOCK_MIN_MINUTES,
  CODE_PREFIX_RE,
  CONSENT_METHODS,
  DEFAULT_CODE_PREFIX,
  PLACEHOLDER,
  STATEMENTS,
  type ConsentMethod,
  type DeidConfidence,
  type DeidKind,
  type ProjectFacts,
  type IsoDate,
  type ParticipantStatus,
  type Purpose,
} from './domain';
import type { ErrorCode, ErrorInfo, Result } from './errors';
import { ACTIONS, PEDALS, type Bindings, type PedalMap, type PlaybackSettings, type TodayProgress } from './transcription';
import { PHASES, THEME_STATUSES, MEMO_TARGET_KINDS, type AnalysisFinding, type Code, type CodeDeletion, type MergeResult, type Memo, type PhaseState, type RetrievedSegment, type SearchResult, type Segment, type Theme, type ThematicMapData, type WithdrawalNote } from './analysis';
import { LOCALES, type Locale } from './i18n/catalogue';
import { supervisorApi, type SupervisorHolding, type SupervisorOutputs } from './supervisor';
import { notificationApi, type NotificationOutputs } from './notification';
import { attributesApi, whereInput, type AttributesOutputs } from './attributes-api';
import { backupApi, type BackupOutputs } from './backup';

const isoDate = z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)').transform((s) => s as IsoDate);
const text = (max: number) => z.string().trim().max(max);
const vaultPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !hasControlCharacter(p), 'a vault path may not hold control characters (a newline, a tab, …)');
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

/** The project's facts (less the code pattern) and what the dashboard shows about them. */
export interface ProjectStatus extends Omit<ProjectFacts, 'codePrefix' | 'codeDigits'> {
  vaultId: string;
  path: string;
  daysLeft: number;
  stores: { keylist: number; recordings: number; transcripts: number };
  participants: { active: number; withdrawn: number };
  kdf: { opslimit: number; memlimit: number };
  /** Counted down at 30, 14, 7 and 1 days before the end date; null otherwise. */
  reminder: ReminderDays | null;
  /** Stores destroyed at project end: the vault is in anonymised mode when any is. */
  destroyed: ('keylist' | 'recordings' | 'transcripts')[];
  certificates: DeletionCertificateDto[];
  endDateHistory: { from: string; to: string; reason: string; siktRef: string; siktNotifiedOn: string; changedAt: string }[];
  recordingCount: number;
  /** Transcripts in which the de-identification check still finds something. */
  transcriptsWithIdentifiers: number;
  /** Transcripts, and nothing else the transcripts store keeps (codes, memos, markers). */
  transcriptCount: number;
}

export type ReminderDays = 30 | 14 | 7 | 1;

export interface DeletionCertificateDto {
  vaultId: string;
  title: string;
  endDate: string;
  endAction: 'anonymise' | 'delete-all';
  executedAt: string;
  stores: { store: 'keylist' | 'recordings' | 'transcripts'; records: number; participants: number; recordingFiles: number; recordingBytes: number }[];
  kept: ('keylist' | 'recordings' | 'transcripts')[];
  /** The backup places the certificate lists, and each one's state (issue 28; absent: none recorded). */
  backupPlaces?: { asOf: string; places: { n: number; label: string; state: 'erased' | 'not-erased' | 'destroyed' | 'no-copy'; destroyedOn?: string; lastCopyAt: string | null }[] };
  /** The clear list of places could not be read when the certificate was written (it says so). */
  placesUnknown?: true;
}

const code = z.string().refine(isParticipantCode, 'not a participant code');
const locale = z.enum(LOCALES);
const hexId = z.string().regex(/^[0-9a-f]{32}$/, 'not an id');
/** An analysis code's or theme's name: trimmed, never empty. */
const codeName = z.string().trim().min(1).max(200);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'not a colour (#RRGGBB)');
/** A position in code points of the stored text. */
const position = z.number().int().min(0).max(50_000_000);
const memoText = z.string().max(100_000);
const memoTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['project', 'journal']) }),
  z.strictObject({ kind: z.enum(MEMO_TARGET_KINDS.filter((k) => k !== 'project' && k !== 'journal') as ['transcript', 'code', 'theme', 'segment']), id: hexId }),
]);
/**
 * A file the user picked in main's dialog (or dropped on the window): the page gets an
 * opaque token and the file's name, never a path it could make up. Main reads only files
 * it handed out a token for, so a compromised page cannot read the user's other files.
 */
const fileToken = z.string().regex(/^[0-9a-f]{32}$/, 'not a file token');

import type { ChosenFile } from './files';
export type { ChosenFile };

export const identityInputSchema = z.strictObject({
  name: z.string().max(200),
  email: z.string().max(200).optional(),
  phone: z.string().max(50).optional(),
  workplace: z.string().max(300).optional(),
  notes: z.string().max(5000).optional(),
});

/** The letter and consent form of one version in one language. */
export const formTextSchema = z.strictObject({
  title: z.string().max(500),
  intro: z.string().max(5000),
  sections: z.array(z.strictObject({ id: z.string().max(40), heading: z.string().max(300), body: z.string().max(20000) })).max(30),
  closing: z.string().max(200),
  signatories: z.array(z.strictObject({ name: z.string().max(200), role: z.string().max(100) })).max(6),
  consentHeading: z.string().max(200),
  consentIntro: z.string().max(2000),
  statements: z.array(z.strictObject({ id: z.enum(STATEMENTS), text: z.string().max(1000) })).min(1).max(10),
  signatureLine: z.string().max(200),
});
export type FormText = z.infer<typeof formTextSchema>;

export interface Identity {
  name: string;
  email: string;
  phone: string;
  workplace: string;
  notes: string;
}

export interface ParticipantSummary {
  code: string;
  status: ParticipantStatus;
  addedAt: string;
  consent: {
    date: IsoDate;
    method: ConsentMethod;
    formVersion: number;
    /** When it was entered in Hvelv, and whether that was after the fact (consent given before the vault existed). */
    recordedAt: string;
    recordedAfterwards: boolean;
    covers: Record<Purpose, boolean>;
    /** The [fields] the letter still had when the student chose to record consent on it anyway. */
    unfilledFields: string[];
  } | null;
  withdrawnOn: IsoDate | null;
}

export interface FormVersionDto {
  version: number;
  createdAt: string;
  frozen: boolean;
  texts: Record<Locale, FormText>;
  hashes: Record<Locale, string>;
}

export interface WithdrawalReceiptDto {
  code: string;
  projectTitle: string;
  consentGivenOn: string | null;
  withdrawnOn: string;
  completedAt: string;
  counts: Record<string, number>;
  /**
   * Exports made before the withdrawal that hold the participant's data (the analysis
   * report, REFI-QDA projects): copies outside the vault that the withdrawal cannot reach,
   * for the student to delete or recall. From the audit log: date and kind, no text.
   */
  exportsHolding?: { at: string; action: string; format: string }[];
  /** Supervisors whose copy held the participant's data, and whether a new share without them was made since (issue 10). */
  supervisorCopies?: SupervisorHolding[];
  /**
   * The vault's backup places (issue 28) and whether each was brought up to the withdrawal
   * (the backup run right after it reached it) or not yet (it is, at the next run that does).
   */
  backupPlaces?: { dir: string; updated: boolean }[];
}

/** What a recording says about itself (read from the file, never decoded). */
export interface AudioFacts {
  format: 'wav' | 'mp3' | 'm4a' | 'ogg' | 'flac' | 'webm';
  codec: string;
  durationMs: number;
  sampleRate: number;
  channels: number;
  bitrate: number | null;
}

export interface RecordingInfo extends AudioFacts {
  id: string;
  code: string;
  size: number;
  sha256: string;
  recordedAt: string | null;
  importedAt: string;
}

export interface TranscriptSummary {
  id: string;
  code: string;
  recordingId: string | null;
  complete: boolean;
  chars: number;
  syncPointCount: number;
  /** The latest timestamp in the text: how far into the recording the transcript reaches. */
  reachesMs: number | null;
  sourceFormat: 'txt' | 'docx' | 'srt' | 'vtt' | 'hvelv' | 'asr';
  createdAt: string;
  updatedAt: string;
  /** Possible identifying details found now (names, phone numbers, ...), not counting those kept. */
  identifiers: number;
  /** Made by speech recognition and some of its machine text not yet checked by the student (shared/asr.ts). */
  automaticDraft?: boolean;
  /** An automatic draft's passages checked against the recording (heard or edited), of all it had; null for a typed or imported transcript. */
  machineText?: MachineTextCount | null;
  /** Once the key list is deleted: how many were left unresolved then (null while it exists, or if never checked with it). */
  unresolvedAtKeyListEnd: number | null;
}


export interface DeidFinding {
  start: number;
  end: number;
  kind: DeidKind;
  text: string;
  /** Found from the key list, or by a pattern or word list that needs none. */
  source: 'keylist' | 'pattern';
  confidence: DeidConfidence;
}

export interface DeidReport {
  findings: DeidFinding[];
  /** False after project end (or with no participants): only patterns were used. */
  keyListUsed: boolean;
  /** Terms the user marked as not identifying, for the whole project. */
  kept: string[];
  /**
   * What the check found the last time the key list was there (while it is, the same as
   * now). After the end, `unresolved` is how many identifying details were left when the
   * key list was deleted.
   */
  lastWithKeyList: { at: string; unresolved: number } | null;
}

/** What an autosave sends back: the page has the text; this is what changed around it. */
export interface TranscriptAutosaved {
  updatedAt: string;
  today: TodayProgress | null;
  /** False when the text was already stored as it is (nothing written). */
  written: boolean;
}

export interface TranscriptDetail extends TranscriptSummary {
  text: string;
  syncPoints: { offset: number; ms: number }[];
  /** Speaker labels for the workspace's speaker keys (I and B unless the student chose others). */
  speakers: string[];
  /** Today's typing counters (words, pace), for the workspace's progress. */
  today: TodayProgress | null;
  /** Replacements of identifying details not yet accepted, oldest first: the last can be undone. */
  pendingReplacements: { at: string; items: { was: string; with: string }[] }[];
  /** The stamps' times of the passages still machine text (neither heard nor edited); empty for a typed transcript. */
  machineUnchecked?: number[];
  /**
   * Where each of those passages starts in `text` (UTF-16 offset of its stamp), in the same
   * order: two passages with the same stamp (two speakers starting in the same tenth of a
   * second) are told apart by it, as core and shares tell them apart.
   */
  machineUncheckedAt?: number[];
}

/** Text a .docx keeps outside its body, not imported: how many of each hold words. */
export interface DocxLeftOut {
  footnotes: number;
  endnotes: number;
  comments: number;
  headers: number;
  footers: number;
}

/**
 * An imported transcript, and what of the file did not arrive as it was (issue 14): cues
 * whose time could not be used (their text is there, without a sync point) and a .docx's
 * parts with words that are not imported. The app says both on the transcript's view.
 */
export interface TranscriptImport extends TranscriptDetail {
  untimedCues: number;
  leftOut?: DocxLeftOut;
}

/** The transcription workspace's settings on this computer: not personal data. */
export interface TranscriptionSettings {
  bindings: Bindings;
  playback: PlaybackSettings;
  pedals: PedalMap;
}

/** The speech models in the app's data folder, and where to put more. */
export interface AsrModels {
  folder: string;
  files: { name: string; bytes: number }[];
  /** The model file last used for a draft on this computer, if it is still there. */
  lastModel?: string | null;
  /** The interface language's choice of recording language, or the one last chosen. */
  defaultLanguage: AsrLanguage;
}

/** A file in the models folder as Settings lists it: read and hashed, never run. */
export interface ModelFileCheck {
  name: string;
  bytes: number;
  /** tiny, base, small, medium, large or other; null when the file is no usable model. */
  size: string | null;
  multilingual: boolean | null;
  /** The known model its hash says it is (verified); null: not verified, or not a model. */
  known: string | null;
  /** Its files are those of an install whose archive's SHA-256 was checked (a known model's, or one given). */
  verified: boolean;
  /** About how many times the recording's length a draft takes on this computer; null: not measured. */
  expectedRealtime: number | null;
  /** Why the file cannot be used (MODEL_INVALID, FILE_UNREADABLE), or null. */
  problem: ErrorCode | null;
}

/** A model Hvelv knows and can download (services/asr/models.ts KNOWN_MODELS). */
export interface KnownModelInfo {
  id: string;
  name: string;
  languages: AsrLanguage[];
  /** The archive's size; null where not published. */
  archiveBytes: number | null;
  /** The archive's SHA-256 is in the list (else it installs as "not verified"). */
  hashKnown: boolean;
  expectedRealtime: number | null;
  installed: boolean;
}

export interface KnownModels {
  /** This computer's CPU cores, which the expected speed is scaled to. */
  cores: number;
  models: KnownModelInfo[];
}

export type ModelInstallPhase = 'download' | 'verify' | 'unpack';

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

/* ---- Thematic analysis (issue 9): the objects are shared/analysis.ts's; here only what the
   screens are sent besides. Positions are code points; the renderer converts at the DOM edge. */

export interface AnalysisOverview {
  phase: PhaseState;
  codes: Code[];
  themes: Theme[];
  /** The interviews that can be coded, with how many segments each has. */
  transcripts: { id: string; participant: string; chars: number; segments: number }[];
  /** Segments whose text was deleted, waiting for the student's decision. */
  orphans: number;
  /** Passages marked as quotes for the report. */
  quotes: number;
  /** What withdrawals removed from codes and themes, until the student dismisses each. */
  withdrawals: WithdrawalNote[];
}

/** A possible identifying detail in what a report would hold, with where it is and around it. */
export interface ReportFinding extends AnalysisFinding {
  /** The code's or theme's name, or the memo's or quote's first words. */
  label: string;
  before: string;
  after: string;
}

export type SessionState = { unlocked: false } | { unlocked: true; status: ProjectStatus };

/**
 * The end date's deletion as the window shows it, whatever the screen (the vault is locked
 * for it): running (the keys and records are gone at once; `bytes` of `total` are the
 * recordings' overwriting, 0 of 0 before it starts or when there is none), then done.
 * `resumed`: it finishes one that was cut short (the app quit, a power cut). `certificate`:
 * where the deletion certificate was written (the vault's certificates/ folder), once done.
 */
export interface ProjectEndState {
  /** The vault's folder: which vault's deletion this is (two may share a title and end date: a copy). */
  vault?: string;
  /** 'failed': this run stopped before the end (`error` says why); the next check or open tries again. */
  phase: 'running' | 'done' | 'failed';
  title: string;
  endDate: string;
  endAction: 'anonymise' | 'delete-all';
  resumed: boolean;
  bytes: number;
  total: number;
  /** When this run began, in main's clock (ms): the bar's time left is reckoned from it. */
  startedAt: number;
  certificate: string | null;
  error?: ErrorInfo;
  /** Deletions of other projects that ended (done or failed) and were not yet closed, oldest first: said above this one. */
  earlier?: ProjectEndState[];
}

/** Pushed from main to the renderer. */
export type AppEvent =
  | { type: 'locked'; reason: 'user' | 'idle' | 'system' | 'project-end'; minutes?: number }
  /** The vault is about to lock (screen lock, sleep, quit): save what is typed, then answer `session.saved` with this id. */
  | { type: 'save-now'; id: string }
  /** The supervisor's open folder locked itself (issue 10). */
  | { type: 'supervisor-locked'; reason: 'idle'; minutes: number }
  | { type: 'import-progress'; jobId: string; bytes: number; total: number }
  /** Long work other than the import (a share with recordings, an export): how far, by the job id the page gave. */
  | { type: 'work-progress'; jobId: string; bytes: number; total: number }
  | { type: 'draft-progress'; jobId: string; progress: DraftProgress }
  /** A model download (Settings → Speech models): the archive's bytes done in this phase. */
  | { type: 'model-progress'; jobId: string; phase: ModelInstallPhase; bytes: number; total: number | null }
  /** The end date's deletion (docs/project-end.md): its state as it changes; null when the page may forget it. */
  | { type: 'project-end'; state: ProjectEndState | null };

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
  /** The page has saved what main asked it to save before a lock (AppEvent 'save-now'). */
  'session.saved': { input: z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/) }) },
  'participants.list': { input: z.strictObject({}) },
  'participants.add': { input: z.strictObject({ identity: identityInputSchema }) },
  'participants.reveal': { input: z.strictObject({ code }) },
  'participants.update': { input: z.strictObject({ code, change: identityInputSchema.partial() }) },
  'consent.chooseEvidence': { input: z.strictObject({}) },
  'consent.record': {
    input: z.strictObject({
      code,
      date: z.string().max(10),
      formVersion: z.number().int().min(1),
      locale,
      method: z.enum(CONSENT_METHODS),
      statements: z.array(z.enum(STATEMENTS)).max(10),
      evidence: fileToken.nullable(),
      /** The student chose to record consent on a letter version with [fields] left unfilled. */
      unfinishedLetter: z.boolean().optional(),
    }),
  },
  'forms.list': { input: z.strictObject({}) },
  'forms.update': { input: z.strictObject({ version: z.number().int().min(1), locale, text: formTextSchema }) },
  'forms.newVersion': { input: z.strictObject({}) },
  'forms.export': { input: z.strictObject({ version: z.number().int().min(1), locale, format: z.enum(['html', 'pdf']).default('html') }) },
  'withdrawal.preview': { input: z.strictObject({ code }) },
  /** jobId: the recordings' overwriting reports 'work-progress' under it (no Cancel: the promise runs to the end). */
  'withdrawal.execute': { input: z.strictObject({ code, confirmCode: z.string(), date: z.string().max(10), jobId: z.string().regex(/^[a-z0-9-]{6,40}$/).optional() }) },
  'withdrawal.receipt': { input: z.strictObject({ code }) },
  'withdrawal.saveReceipt': { input: z.strictObject({ code, locale, format: z.enum(['html', 'pdf']).default('html') }) },
  /** The deletion certificate written at project end (bilingual), saved where the user chooses. */
  'certificates.save': { input: z.strictObject({ executedAt: z.string().max(40), format: z.enum(['html', 'pdf']) }) },
  'access.export': { input: z.strictObject({ code, locale }) },
  'recordings.list': { input: z.strictObject({}) },
  'recordings.chooseFile': { input: z.strictObject({}) },
  'recordings.import': { input: z.strictObject({ jobId: z.string().regex(/^[a-z0-9-]{6,40}$/), code, file: fileToken }) },
  'recordings.cancelImport': { input: z.strictObject({ jobId: z.string().max(40) }) },
  /** Stop long work started with this job id (a share being written, an export): nothing half-written is left. */
  'work.cancel': { input: z.strictObject({ jobId: z.string().max(40) }) },
  'projectEnd.state': { input: z.strictObject({}) },
  'projectEnd.dismiss': { input: z.strictObject({}) },
  'recordings.deleteOriginal': { input: z.strictObject({ id: hexId, file: fileToken, jobId: z.string().regex(/^[a-z0-9-]{6,40}$/).optional() }) },
  'recordings.delete': { input: z.strictObject({ id: hexId, confirmCode: z.string().max(20), jobId: z.string().regex(/^[a-z0-9-]{6,40}$/).optional() }) },
  'recordings.export': { input: z.strictObject({ id: hexId, jobId: z.string().regex(/^[a-z0-9-]{6,40}$/).optional() }) },
  'recordings.mediaUrl': { input: z.strictObject({ id: hexId }) },
  'asr.models': { input: z.strictObject({}) },
  'asr.checkModels': { input: z.strictObject({}) },
  /** The models Hvelv knows, with size, language, expected speed and whether their hash is known. */
  'asr.knownModels': { input: z.strictObject({}) },
  /** Download and install a known model by its id (the page never names an address). */
  'asr.installModel': { input: z.strictObject({ jobId: z.string().regex(/^[a-z0-9-]{6,40}$/), id: z.string().regex(/^[\w.-]{1,60}$/) }) },
  'asr.cancelInstall': { input: z.strictObject({ jobId: z.string().max(40) }) },
  'asr.removeModel': { input: z.strictObject({ name: z.string().regex(/^[\w.-]{1,120}$/).refine((m) => m !== '.' && m !== '..') }) },
  // source 'page': the page decodes the recording (M4A/AAC, WebM) and hands its PCM over with asr.pcm.
  'asr.draft': { input: z.strictObject({ jobId: z.string().regex(/^[a-z0-9-]{6,40}$/), recordingId: hexId, model: z.string().regex(/^[\w.-]{1,120}$/).refine((m) => m !== '.' && m !== '..'), language: z.enum(ASR_LANGUAGES), source: z.enum(['page']).optional() }) },
  /** One piece of the page's 16 kHz mono PCM (16-bit little-endian, base64; at most 1 MiB): answered when the draft has taken it. */
  'asr.pcm': { input: z.strictObject({ jobId: z.string().regex(/^[a-z0-9-]{6,40}$/), pcm: z.string().max(1_398_104).regex(/^[A-Za-z0-9+/]*={0,2}$/), last: z.boolean() }) },
  'asr.cancel': { input: z.strictObject({ jobId: z.string().max(40) }) },
  'asr.queue.state': { input: z.strictObject({}) },
  'asr.queue.start': { input: z.strictObject({ model: z.string().regex(/^[\w.-]{1,120}$/), language: z.enum(ASR_LANGUAGES) }) },
  'asr.queue.pause': { input: z.strictObject({}) },
  'asr.queue.resume': { input: z.strictObject({}) },
  'transcripts.markChecked': { input: z.strictObject({ id: hexId }) },
  /** Passages of a draft the student played through in the workspace, by their stamps' times. */
  'transcripts.heard': { input: z.strictObject({ id: hexId, ms: z.array(z.number().int().min(0).max(1e9)).max(10_000) }) },
  /** The draft's voices (S1, S2, …) named once: "I", the participant's code, or another name. */
  'transcripts.nameSpeakers': { input: z.strictObject({ id: hexId, names: z.record(z.string().regex(/^S\d{1,2}$/), z.string().min(1).max(24)) }) },
  'recordings.setRecordedAt': { input: z.strictObject({ id: hexId, date: isoDate.nullable() }) },
  'transcripts.list': { input: z.strictObject({}) },
  'transcripts.get': { input: z.strictObject({ id: hexId }) },
  'transcripts.chooseFile': { input: z.strictObject({}) },
  'transcripts.import': { input: z.strictObject({ code, file: fileToken, recordingId: hexId.nullable() }) },
  'transcripts.create': { input: z.strictObject({ code, recordingId: hexId.nullable() }) },
  'transcripts.update': {
    input: z.strictObject({
      id: hexId,
      text: z.string().max(5_000_000).optional(),
      complete: z.boolean().optional(),
      speakers: z.array(z.string().max(24)).max(8).optional(),
      /** From the workspace's autosave (logged once a quarter hour, not on every pause). */
      autosave: z.boolean().optional(),
    }),
  },
  /** The workspace's autosave: the text only, nothing sent back but when and today's counters. */
  'transcripts.autosave': { input: z.strictObject({ id: hexId, text: z.string().max(5_000_000) }) },
  'recordings.peaks': { input: z.strictObject({ id: hexId }) },
  /** The waveform: stored, or computed now in core from the sealed recording (null: M4A, which the page decodes). */
  'recordings.computePeaks': { input: z.strictObject({ id: hexId }) },
  'recordings.storePeaks': { input: z.strictObject({ id: hexId, peaks: z.string().min(4).max(70_000).regex(/^[A-Za-z0-9+/]+=*$/, 'not base64') }) },
  'transcription.settings': { input: z.strictObject({}) },
  'transcription.saveSettings': {
    input: z.strictObject({
      bindings: z.partialRecord(z.enum(ACTIONS), z.array(z.string().max(40)).max(4)),
      playback: z.strictObject({ rewindOnResumeMs: z.number().int().min(0).max(5000), skipMs: z.number().int().min(1000).max(30000), longSkipMs: z.number().int().min(5000).max(120000) }),
      pedals: z.strictObject(Object.fromEntries(PEDALS.map((p) => [p, z.enum(ACTIONS).nullable()])) as Record<(typeof PEDALS)[number], z.ZodNullable<z.ZodEnum<{ [K in (typeof ACTIONS)[number]]: K }>>>),
    }),
  },
  'transcription.markers': { input: z.strictObject({}) },
  'transcription.saveMarkers': { input: z.strictObject({ markers: z.array(z.string().max(60)).max(6) }) },
  /** `accepted`: ids of the findings of `transcripts.exportFindings` the user accepted; every other must be replaced first. */
  'transcripts.export': { input: z.strictObject({ id: hexId, format: z.enum(['txt', 'docx']), accepted: z.array(z.string().regex(/^[0-9a-f]{10}$/, 'not a finding id')).max(100_000) }) },
  'transcripts.exportFindings': { input: z.strictObject({ id: hexId }) },
  'transcripts.delete': { input: z.strictObject({ id: hexId, confirmCode: z.string().max(20) }) },
  'transcripts.check': { input: z.strictObject({ id: hexId }) },
  /** Undo the last replacement not yet accepted; accept them all (they leave the history). */
  'transcripts.undoReplacement': { input: z.strictObject({ id: hexId }) },
  'transcripts.acceptReplacements': { input: z.strictObject({ id: hexId }) },
  'transcripts.deidentify': {
    input: z.strictObject({
      id: hexId,
      replace: z
        .array(z.strictObject({ start: z.number().int().min(0), end: z.number().int().min(0), expected: z.string().max(500), with: z.union([z.string().regex(PLACEHOLDER), z.literal('')]) }))
        .max(10_000),
      kept: z.array(z.string().min(1).max(200)).max(1000),
    }),
  },
  'exchange.plan': { input: z.strictObject({ format: z.enum(['qdpx', 'qdc']), recordings: z.boolean(), crlf: z.boolean() }) },
  'exchange.export': {
    input: z.strictObject({
      format: z.enum(['qdpx', 'qdc']),
      recordings: z.boolean(),
      crlf: z.boolean(),
      accepted: z.array(z.string().regex(/^[0-9a-f]{10}$/, 'not a finding id')).max(100_000),
    }),
  },
  'exchange.chooseFile': { input: z.strictObject({}) },
  'exchange.preview': { input: z.strictObject({ file: fileToken }) },
  'exchange.import': { input: z.strictObject({ file: fileToken, assign: z.array(z.strictObject({ source: z.string().min(1).max(500), code })).max(10_000) }) },
  'analysis.overview': { input: z.strictObject({}) },
  'analysis.setPhase': { input: z.strictObject({ phase: z.enum(PHASES) }) },
  'analysis.declinePhase': { input: z.strictObject({ phase: z.enum(PHASES) }) },
  'analysis.dismissWithdrawal': { input: z.strictObject({ id: z.string().regex(/^withdrawn-[A-Za-z0-9_-]{1,40}$/) }) },
  'codes.add': { input: z.strictObject({ name: codeName, parentId: hexId.nullable().default(null), definition: z.string().max(5000).default(''), color: color.optional() }) },
  'codes.update': { input: z.strictObject({ id: hexId, name: codeName.optional(), definition: z.string().max(5000).optional(), color: color.optional() }) },
  'codes.move': { input: z.strictObject({ id: hexId, parentId: hexId.nullable() }) },
  'codes.merge': { input: z.strictObject({ from: hexId, into: hexId }) },
  'codes.deletePreview': { input: z.strictObject({ id: hexId }) },
  'codes.delete': { input: z.strictObject({ id: hexId }) },
  'coding.segments': { input: z.strictObject({ transcriptId: hexId }) },
  'coding.apply': { input: z.strictObject({ transcriptId: hexId, start: position, end: position, codeId: hexId }) },
  'coding.unapply': { input: z.strictObject({ segmentId: hexId, codeId: hexId }) },
  'coding.quote': { input: z.strictObject({ segmentId: hexId, quote: z.boolean() }) },
  'coding.retrieve': { input: z.strictObject({ of: z.enum(['code', 'theme']), id: hexId, participant: code.optional(), descendants: z.boolean().optional(), where: whereInput.optional() }) },
  'coding.orphans': { input: z.strictObject({}) },
  'coding.reattach': { input: z.strictObject({ segmentId: hexId, start: position, end: position }) },
  'coding.removeSegment': { input: z.strictObject({ segmentId: hexId }) },
  'coding.restore': { input: z.strictObject({ segmentId: hexId }) },
  'themes.add': { input: z.strictObject({ name: codeName, parentId: hexId.nullable().default(null), definition: z.string().max(5000).default('') }) },
  'themes.update': { input: z.strictObject({ id: hexId, name: codeName.optional(), definition: z.string().max(5000).optional(), status: z.enum(THEME_STATUSES).optional() }) },
  'themes.move': { input: z.strictObject({ id: hexId, parentId: hexId.nullable() }) },
  'themes.assign': { input: z.strictObject({ themeId: hexId, codeId: hexId, assigned: z.boolean() }) },
  'themes.delete': { input: z.strictObject({ id: hexId }) },
  'memos.list': { input: z.strictObject({}) },
  'memos.add': { input: z.strictObject({ target: memoTarget, text: memoText, private: z.boolean().default(false) }) },
  'memos.update': { input: z.strictObject({ id: hexId, text: memoText.optional(), private: z.boolean().optional() }) },
  'memos.delete': { input: z.strictObject({ id: hexId }) },
  'analysis.search': { input: z.strictObject({ query: z.string().trim().min(1).max(500), where: whereInput.optional() }) },
  /** The thematic map's data, its counts of the passages of the participants a filter keeps. */
  'analysis.mapData': { input: z.strictObject({ where: whereInput.default([]) }) },
  'analysis.saveMap': { input: z.strictObject({ format: z.enum(['svg', 'png']), data: z.string().max(20_000_000) }) },
  'report.check': { input: z.strictObject({ what: z.enum(['report', 'journal']).default('report') }) },
  'report.replace': {
    input: z.strictObject({
      what: z.enum(['report', 'journal']).default('report'),
      where: z.strictObject({ kind: z.enum(['code', 'theme', 'memo', 'segment']), id: hexId, field: z.enum(['name', 'definition', 'text']) }),
      start: position,
      end: position,
      expected: z.string().min(1).max(500),
      with: z.string().regex(PLACEHOLDER),
    }),
  },
  /** `accepted`: finding texts the user looked at and confirmed as not identifying. */
  'report.export': { input: z.strictObject({ locale, accepted: z.array(z.string().min(1).max(500)).max(10_000) }) },
  'journal.export': { input: z.strictObject({ locale, accepted: z.array(z.string().min(1).max(500)).max(10_000) }) },
  'deadline.extend': {
    input: z.strictObject({ to: isoDate, reason: z.string().trim().min(1).max(1000), siktRef: z.string().trim().min(1).max(100), siktNotifiedOn: isoDate }),
  },
  'deadline.setAction': { input: z.strictObject({ endAction: z.enum(['anonymise', 'delete-all']) }) },
  'schedule.status': { input: z.strictObject({}) },
  'schedule.install': { input: z.strictObject({}) },
  'settings.update': {
    input: z.strictObject({
      autoLockMinutes: z.number().int().min(AUTO_LOCK_MIN_MINUTES).max(AUTO_LOCK_MAX_MINUTES),
    }),
  },
  ...supervisorApi,
  ...notificationApi,
  ...attributesApi,
  ...backupApi,
} as const;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;

export interface Outputs extends SupervisorOutputs, NotificationOutputs, AttributesOutputs, BackupOutputs {
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
  'session.saved': null;
  'settings.update': ProjectStatus;
  'participants.list': ParticipantSummary[];
  'participants.add': { code: string };
  'participants.reveal': Identity;
  'participants.update': null;
  'consent.chooseEvidence': ChosenFile | null;
  'consent.record': null;
  'forms.list': FormVersionDto[];
  'forms.update': FormVersionDto;
  'forms.newVersion': FormVersionDto;
  'forms.export': string | null;
  'withdrawal.preview': Record<string, number>;
  'withdrawal.execute': WithdrawalReceiptDto;
  'withdrawal.receipt': WithdrawalReceiptDto;
  'withdrawal.saveReceipt': string | null;
  'certificates.save': string | null;
  'access.export': { folder: string; files: string[] } | null;
  'recordings.list': RecordingInfo[];
  'recordings.chooseFile': ChosenFile | null;
  'recordings.import': RecordingInfo;
  'recordings.cancelImport': null;
  'work.cancel': null;
  /** The end date's deletion running now, or the last one done and not yet dismissed; null: none. */
  'projectEnd.state': ProjectEndState | null;
  'projectEnd.dismiss': null;
  'recordings.deleteOriginal': null;
  'recordings.delete': null;
  'recordings.export': string | null;
  'recordings.mediaUrl': string;
  'asr.models': AsrModels;
  'asr.checkModels': ModelFileCheck[];
  'asr.knownModels': KnownModels;
  'asr.installModel': { name: string; verified: boolean };
  'asr.cancelInstall': null;
  'asr.removeModel': null;
  'asr.draft': TranscriptDetail;
  'asr.cancel': null;
  'asr.queue.state': QueueState | null;
  'asr.queue.start': QueueState | null;
  'asr.queue.pause': QueueState | null;
  'asr.queue.resume': QueueState | null;
  'asr.pcm': null;
  'transcripts.markChecked': TranscriptDetail;
  'transcripts.heard': MachineTextCount | null;
  'transcripts.nameSpeakers': TranscriptDetail;
  'recordings.setRecordedAt': RecordingInfo;
  'transcripts.list': TranscriptSummary[];
  'transcripts.get': TranscriptDetail;
  'transcripts.chooseFile': ChosenFile | null;
  'transcripts.import': TranscriptImport;
  'transcripts.create': TranscriptDetail;
  'transcripts.update': TranscriptDetail;
  'recordings.peaks': string | null;
  'recordings.computePeaks': string | null;
  'transcripts.autosave': TranscriptAutosaved;
  'recordings.storePeaks': null;
  'transcription.settings': TranscriptionSettings;
  'transcription.saveSettings': TranscriptionSettings;
  'transcription.markers': string[];
  'transcription.saveMarkers': string[];
  'transcripts.export': string | null;
  'transcripts.exportFindings': ExchangeFinding[];
  'transcripts.delete': null;
  'transcripts.check': DeidReport;
  'transcripts.deidentify': TranscriptDetail;
  'transcripts.undoReplacement': TranscriptDetail;
  'transcripts.acceptReplacements': TranscriptDetail;
  'exchange.plan': ExportPlan;
  'exchange.export': { file: string; plan: ExportPlan } | null;
  'exchange.chooseFile': ChosenFile | null;
  'exchange.preview': ImportPreview;
  'exchange.import': ImportResult;
  'analysis.overview': AnalysisOverview;
  'analysis.setPhase': AnalysisOverview;
  'analysis.declinePhase': AnalysisOverview;
  'analysis.dismissWithdrawal': AnalysisOverview;
  'codes.add': Code;
  'codes.update': Code;
  'codes.move': Code;
  'codes.merge': MergeResult;
  'codes.deletePreview': CodeDeletion;
  'codes.delete': CodeDeletion;
  'coding.segments': Segment[];
  'coding.apply': Segment;
  'coding.unapply': Segment | null;
  'coding.quote': Segment;
  'coding.retrieve': RetrievedSegment[];
  'coding.orphans': Segment[];
  'coding.reattach': Segment;
  'coding.removeSegment': null;
  'coding.restore': Segment;
  'themes.add': Theme;
  'themes.update': Theme;
  'themes.move': Theme;
  'themes.assign': Theme;
  'themes.delete': null;
  'memos.list': Memo[];
  'memos.add': Memo;
  'memos.update': Memo;
  'memos.delete': null;
  'analysis.search': SearchResult;
  'analysis.mapData': ThematicMapData;
  'analysis.saveMap': string | null;
  'report.check': ReportFinding[];
  'report.replace': ReportFinding[];
  'report.export': string | null;
  'journal.export': string | null;
  'deadline.extend': ProjectStatus;
  'deadline.setAction': ProjectStatus;
  'schedule.status': { supported: boolean; installed: boolean; detail: string };
  'schedule.install': { installed: boolean; detail: string };
}

/** What preload exposes as `window.hvelv`. */
export interface HvelvApi {
  invoke<M extends Method>(method: M, input: Input<M>): Promise<Result<Outputs[M]>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** A token for a file dropped on the window (Electron only; absent in the browser harness). */
  grantDroppedFile?(file: File): Promise<ChosenFile | null>;
}
