/**
 * The supervisor (issue 10): read-only, pseudonymised, time-limited access to what the
 * student chose, and feedback back. Plain data shared by core, CLI and renderer, and the
 * IPC methods of both sides, joined into shared/contract.ts's table.
 *
 * Two installations, two kinds of session:
 * - the student's (owner's) vault: `supervisors.*` (the list of supervisors and their keys),
 *   `shares.*` (making a share), `feedback.*` (importing the supervisor's comments, replying);
 * - the supervisor's folder (their own keys under their own passphrase, the shares they
 *   hold): `supervisor.*`. Nothing here can write to a student's vault or sign as its owner.
 *
 * Positions are code points, as everywhere in the analysis (shared/analysis.ts).
 */
import type { MachineTextCount } from './machine-text';
import { z } from 'zod';
import type { ChosenFile } from './files';
import type { Code, Memo, PhaseState, RetrievedSegment, SearchResult, Segment, Theme, ThematicMapData } from './analysis';
import { hasControlCharacter, isIsoDate, isParticipantCode, type IsoDate } from './domain';
import type { ExchangeFinding } from './exchange';
import type { SharedAttributes, SmallGroup } from './attributes';

/* ---- the supervisor key ---------------------------------------------------------------- */

/** The text a supervisor sends the student: `hvelv-sup1-` + base32 of version, both public keys and a checksum. */
export const SUPERVISOR_KEY_PREFIX = 'hvelv-sup1-';

/* ---- the student's side ------------------------------------------------------------------ */

/** A supervisor in the student's vault. No name is needed: a label the student chooses ("Hovedveileder"). */
export interface SupervisorEntry {
  id: string;
  label: string;
  /** Short fingerprint of the supervisor's key, to read aloud and compare (`ABCD-EFGH-JKMN-PQRS`). */
  fingerprint: string;
  /** Access ends on this day (at latest the project end date). */
  until: IsoDate;
  /** Recordings included (a voice identifies a person). */
  recordings: boolean;
  addedAt: string;
  /** Set when the student removed the supervisor: no further share is made for them. */
  revokedAt: string | null;
  /** The latest share made for them. */
  lastShare: { version: number; madeAt: string; participants: string[] } | null;
}

export interface SharePlan {
  supervisorId: string;
  /** The version the next share will have (1 for the first). */
  version: number;
  until: IsoDate;
  fingerprint: string;
  /** The student's own key's fingerprint: the supervisor's Hvelv shows it on the first share, for the two to compare. */
  ownerFingerprint: string;
  /**
   * Identifying details in what the share would hold: each must be replaced or accepted by id.
   * Besides the REFI-QDA export's kinds, `where.kind` may be `reply` (the student's reply to a comment).
   */
  findings: ExchangeFinding[];
  /** Participants whose data the share holds (codes only). */
  participants: string[];
  /** Withdrawn participants: listed in the share so the supervisor's copy deletes them. */
  withdrawn: string[];
  counts: { transcripts: number; codes: number; segments: number; themes: number; memos: number; privateMemosLeftOut: number; recordings: number; orphansLeftOut: number; replies: number };
  recordingsWarning: boolean;
  /** Of the participants' data, in the receipt's words (the registry): what the share carries, with counts, and what never. */
  holdings?: { carries: { kind: string; count: number }[]; never: string[] };
  /** Combinations of the attribute values the share carries that five or fewer participants hold. */
  smallGroups?: SmallGroup[];
}

export interface ShareMade {
  /** The file's name (not its path). */
  file: string;
  version: number;
  until: IsoDate;
  fingerprint: string;
  participants: string[];
  counts: SharePlan['counts'];
}

/** A supervisor who holds a copy with a participant's data (shown at withdrawal). */
export interface SupervisorHolding {
  supervisorId: string;
  label: string;
  fingerprint: string;
  /** The share that holds the participant. */
  version: number;
  madeAt: string;
  /** A newer share without the participant, made after the withdrawal; null until one is. */
  replacedAt: string | null;
}

/* ---- feedback (both sides) ----------------------------------------------------------------- */

export const FEEDBACK_TARGET_KINDS = ['code', 'theme', 'memo', 'segment'] as const;
export type FeedbackTargetKind = (typeof FEEDBACK_TARGET_KINDS)[number];
export interface FeedbackTarget {
  kind: FeedbackTargetKind;
  id: string;
}

/** A possible identifying detail in a comment, flagged when the student imports it. */
export interface FeedbackFlag {
  kind: string;
  text: string;
  start: number;
  end: number;
}

export interface FeedbackComment {
  id: string;
  target: FeedbackTarget;
  /** The code's or theme's name, a memo's date, a segment's participant code: what it is about. */
  targetLabel: string;
  /** For a comment on a segment: the coded words it is about (issue 29: the list did not quote them). */
  excerpt?: string;
  /** The student's side, for a comment on a segment still in the vault: where its words are, to open them in the coding view. */
  place?: { transcriptId: string; start: number; end: number };
  text: string;
  /** The supervisor's key fingerprint: comments are the supervisor's, signed by them. */
  fingerprint: string;
  createdAt: string;
  /** The student's side: sealed under this participant's key (a comment on their segment); null otherwise. */
  participant: string | null;
  /** Identifying details found in the text on import (student's side; empty on the supervisor's). */
  flags: FeedbackFlag[];
  /** The student's replies, which travel in the next share. */
  replies: { id: string; text: string; at: string }[];
  resolved: boolean;
  /** Supervisor's side: when it was last put in a feedback file; null if never. */
  exportedAt: string | null;
  /**
   * The student's side: the supervisor who wrote it has since been removed. Their comments are
   * still imported (written while they had access) and marked so. Absent on the supervisor's side.
   */
  supervisorRemoved?: boolean;
}

export interface FeedbackImportResult {
  fingerprint: string;
  label: string;
  comments: number;
  /** Comments not seen before (a file imported twice adds nothing). */
  added: number;
  /** Comments on something the vault no longer has (a withdrawn participant's segment): not imported. */
  dropped: number;
  /** Comments with possible identifying details, by id. */
  flagged: string[];
  /** The file came from a supervisor the student has removed (imported all the same, marked so). */
  supervisorRemoved: boolean;
}

/* ---- the supervisor's side ----------------------------------------------------------------- */

export interface SupervisorIdentity {
  path: string;
  /** The supervisor key text to send the student (checksummed). */
  key: string;
  fingerprint: string;
}

export interface RecentSupervisorFolder {
  path: string;
  lastOpened: string;
}

/** A share the supervisor holds (or held: destroyed at its end date). One per student vault. */
export interface HeldShare {
  vaultId: string;
  title: string;
  /** Fingerprint of the student's (owner's) signing key, to compare with the student. */
  ownerFingerprint: string;
  version: number;
  madeAt: string;
  until: IsoDate;
  importedAt: string;
  state: 'open' | 'destroyed';
  destroyedAt: string | null;
  participants: string[];
  counts: { transcripts: number; codes: number; segments: number; themes: number; memos: number };
}

export interface SharedTranscriptSummary {
  id: string;
  participant: string;
  chars: number;
  segments: number;
  /** The latest timestamp in the text. */
  reachesMs: number | null;
  /** An automatic draft's passages checked against the recording; null for a typed transcript or an older share. */
  machineText: MachineTextCount | null;
}

/** Everything a share holds except the transcripts' texts (those come one at a time). */
export interface ShareContent {
  share: HeldShare;
  phase: PhaseState;
  codes: Code[];
  themes: Theme[];
  /** Never a private memo: those are not in a share. */
  memos: Memo[];
  transcripts: SharedTranscriptSummary[];
  map: ThematicMapData;
  /** The student's replies and resolutions to the supervisor's earlier comments. */
  replies: { commentId: string; replies: { id: string; text: string; at: string }[]; resolved: boolean }[];
  /** The recordings the share carries (only when the student switched them on for this supervisor). */
  recordings: SharedRecording[];
  /** Participant attributes, generalised values only (absent when the share has none). */
  attributes?: SharedAttributes;
}

/** A recording held with a share: played through `supervisor.mediaUrl`, never written out. */
export interface SharedRecording {
  id: string;
  participant: string;
  /** The transcripts made from it. */
  transcriptIds: string[];
  format: 'wav' | 'mp3' | 'm4a' | 'ogg' | 'flac' | 'webm';
  codec: string;
  durationMs: number;
  sampleRate: number;
  channels: number;
  bitrate: number | null;
  size: number;
  /** The waveform overview (base64, one byte a bucket), when the student's Hvelv had drawn it. */
  peaks: string | null;
}

export interface SharedTranscript {
  id: string;
  participant: string;
  text: string;
  syncPoints: { offset: number; ms: number }[];
  segments: Segment[];
  machineText: MachineTextCount | null;
  /**
   * The passages still unchecked machine text, in code points of `text` (as the segments'
   * ranges): the same the student's workspace draws. null when the share does not say (a
   * typed transcript, or a share made before the marks travelled: then only the count is known).
   */
  machineSpans: { start: number; end: number }[] | null;
}

/** The report as the supervisor reads it: what the student's .docx holds (codebook, and per theme its codes and quotes). */
export interface ShareReport {
  title: string;
  codes: Code[];
  themes: {
    theme: Theme;
    /** 0 for a top-level theme, 1 for a sub-theme, … */
    depth: number;
    /** The theme's codes, by path ("Relasjon / Tillit"). */
    codes: string[];
    /** Segments chosen as quotes, of the theme's codes (and their children) and its sub-themes. */
    quotes: RetrievedSegment[];
  }[];
}

export interface ShareCertificate {
  vaultId: string;
  title: string;
  supervisorFingerprint: string;
  ownerFingerprint: string;
  version: number;
  until: IsoDate;
  destroyedAt: string;
  /** Why: the end date passed, or the student's later share withdrew participants (never names). */
  reason: 'end-date';
  counts: HeldShare['counts'];
  participants: string[];
}

/* ---- IPC methods ------------------------------------------------------------------------ */

const hexId = z.string().regex(/^[0-9a-f]{32}$/, 'not an id');
const isoDate = z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)').transform((s) => s as IsoDate);
const fileToken = z.string().regex(/^[0-9a-f]{32}$/, 'not a file token');
const folderPath = z.string().min(1).max(4096).refine((p) => !hasControlCharacter(p), 'a path may not hold control characters');
const passphrase = z.string().min(1).max(1024);
const code = z.string().refine(isParticipantCode, 'not a participant code');
/** The key text as pasted: spaces, line breaks and dashes inside are tolerated, checked by the core. */
const keyText = z.string().min(1).max(400);
const commentText = z.string().trim().min(1).max(20_000);
const findingId = z.string().regex(/^[0-9a-f]{10}$/, 'not a finding id');
const feedbackTarget = z.strictObject({ kind: z.enum(FEEDBACK_TARGET_KINDS), id: hexId });

export const supervisorApi = {
  // The student's side (needs the unlocked vault).
  'supervisors.list': { input: z.strictObject({}) },
  /** Parse pasted key text: its fingerprint to compare, or SUPERVISOR_KEY_TYPO / NOT_A_SUPERVISOR_KEY. */
  'supervisors.checkKey': { input: z.strictObject({ key: keyText }) },
  'supervisors.add': { input: z.strictObject({ key: keyText, label: z.string().trim().min(1).max(100), until: isoDate, recordings: z.boolean().default(false) }) },
  /** Recordings on or off for this supervisor, from the next share on. */
  'supervisors.setRecordings': { input: z.strictObject({ id: hexId, recordings: z.boolean() }) },
  /** Revocation: no further share for them. A copy already received stays until its end date. */
  'supervisors.remove': { input: z.strictObject({ id: hexId }) },
  /** Supervisors whose copy holds this participant's data (for the withdrawal screen). */
  'supervisors.holding': { input: z.strictObject({ code }) },
  'shares.plan': { input: z.strictObject({ supervisorId: hexId }) },
  /** Refused with DETAILS_UNCHECKED while a finding is neither replaced nor in `accepted`; asks where to save. */
  /** `jobId`: progress comes as AppEvent 'work-progress' with it, and `work.cancel` with it stops the writing (nothing is left). */
  'shares.create': { input: z.strictObject({ supervisorId: hexId, accepted: z.array(findingId).max(100_000), jobId: z.string().regex(/^[a-z0-9-]{6,40}$/).optional() }) },
  'feedback.chooseFile': { input: z.strictObject({}) },
  'feedback.import': { input: z.strictObject({ file: fileToken }) },
  'feedback.list': { input: z.strictObject({}) },
  'feedback.reply': { input: z.strictObject({ commentId: hexId, text: commentText }) },
  'feedback.resolve': { input: z.strictObject({ commentId: hexId, resolved: z.boolean() }) },
  /** Replace part of an imported comment (code points) with a placeholder such as [telefon]. */
  'feedback.redact': { input: z.strictObject({ commentId: hexId, start: z.number().int().min(0), end: z.number().int().min(1), expected: z.string().min(1).max(20_000), with: z.string().min(3).max(42) }) },
  /** Delete an imported comment (importing the same file again does not bring it back). */
  'feedback.delete': { input: z.strictObject({ commentId: hexId }) },
  // The supervisor's side (their own folder and passphrase).
  'supervisor.recent': { input: z.strictObject({}) },
  'supervisor.init': { input: z.strictObject({ path: folderPath, passphrase }) },
  'supervisor.unlock': { input: z.strictObject({ path: folderPath, passphrase }) },
  'supervisor.state': { input: z.strictObject({}) },
  'supervisor.lock': { input: z.strictObject({}) },
  'supervisor.chooseShare': { input: z.strictObject({}) },
  /** `jobId`: progress as AppEvent 'work-progress', and `work.cancel` stops it with nothing imported. */
  'supervisor.openShare': { input: z.strictObject({ file: fileToken, jobId: z.string().regex(/^[a-z0-9-]{6,40}$/).optional() }) },
  'supervisor.shares': { input: z.strictObject({}) },
  'supervisor.content': { input: z.strictObject({ vaultId: hexId }) },
  'supervisor.transcript': { input: z.strictObject({ vaultId: hexId, id: hexId }) },
  'supervisor.retrieve': { input: z.strictObject({ vaultId: hexId, of: z.enum(['code', 'theme']), id: hexId, participant: code.optional() }) },
  'supervisor.search': { input: z.strictObject({ vaultId: hexId, query: z.string().trim().min(1).max(500) }) },
  /** The report (codebook, themes with their quotes), read-only. */
  'supervisor.report': { input: z.strictObject({ vaultId: hexId }) },
  /** Any activity in the supervisor's screens: the open folder's idle lock waits. */
  'supervisor.touch': { input: z.strictObject({}) },
  /** The open folder's daily job (Linux: a systemd user timer), which deletes copies at their end date with no passphrase. */
  'supervisor.scheduleStatus': { input: z.strictObject({}) },
  'supervisor.scheduleInstall': { input: z.strictObject({}) },
  /** Where the page plays a held recording from (no-store, ranges; decrypted chunk by chunk). */
  'supervisor.mediaUrl': { input: z.strictObject({ vaultId: hexId, id: hexId }) },
  'supervisor.comments': { input: z.strictObject({ vaultId: hexId }) },
  'supervisor.comment': { input: z.strictObject({ vaultId: hexId, target: feedbackTarget, text: commentText }) },
  'supervisor.deleteComment': { input: z.strictObject({ vaultId: hexId, id: hexId }) },
  /** The feedback file (signed by the supervisor), saved where they choose. */
  'supervisor.exportFeedback': { input: z.strictObject({ vaultId: hexId }) },
  /** The certificate of deletion of a destroyed share, to send back to the student. */
  'supervisor.saveCertificate': { input: z.strictObject({ vaultId: hexId, format: z.enum(['html', 'pdf']).default('html') }) },
} as const;

export type SupervisorState = { unlocked: false } | { unlocked: true; identity: SupervisorIdentity };

export interface SupervisorOutputs {
  'supervisors.list': SupervisorEntry[];
  'supervisors.checkKey': { fingerprint: string };
  'supervisors.add': SupervisorEntry;
  'supervisors.remove': SupervisorEntry;
  'supervisors.holding': SupervisorHolding[];
  'shares.plan': SharePlan;
  'shares.create': ShareMade | null;
  'feedback.chooseFile': ChosenFile | null;
  'feedback.import': FeedbackImportResult;
  'feedback.list': FeedbackComment[];
  'feedback.reply': FeedbackComment;
  'feedback.resolve': FeedbackComment;
  'feedback.redact': FeedbackComment;
  'feedback.delete': null;
  'supervisor.recent': RecentSupervisorFolder[];
  'supervisor.init': SupervisorIdentity;
  'supervisor.unlock': SupervisorIdentity;
  'supervisor.state': SupervisorState;
  'supervisor.lock': null;
  'supervisor.chooseShare': ChosenFile | null;
  'supervisor.openShare': HeldShare;
  'supervisor.shares': HeldShare[];
  'supervisor.content': ShareContent;
  'supervisor.transcript': SharedTranscript;
  'supervisor.retrieve': RetrievedSegment[];
  'supervisor.search': SearchResult;
  'supervisor.report': ShareReport;
  'supervisor.touch': null;
  'supervisor.scheduleStatus': { supported: boolean; installed: boolean; detail: string };
  'supervisor.scheduleInstall': { installed: boolean; detail: string };
  'supervisor.mediaUrl': string;
  'supervisors.setRecordings': SupervisorEntry;
  'supervisor.comments': FeedbackComment[];
  'supervisor.comment': FeedbackComment;
  'supervisor.deleteComment': null;
  'supervisor.exportFeedback': string | null;
  'supervisor.saveCertificate': string | null;
}
