/**
 * The student's side: the supervisors in the vault, making a share for one of them, and
 * importing the feedback they send back.
 *
 * Records (transcripts store, docs/vault-format.md):
 * - `supervisor` (project-level, store key): the supervisor's two public keys, label,
 *   end of access, whether recordings are included, revocation, the feedback key this
 *   vault gave them, and every share made for them (version, when, which participants).
 * - `feedback` (one per comment): sealed under the participant's key when it is about
 *   their segment, so withdrawal destroys it and an access request includes it;
 *   otherwise project-level.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IsoDate } from '../../../../shared/domain';
import { daysUntil, localIsoDate, PLACEHOLDER } from '../../../../shared/domain';
import type { ExchangeFinding } from '../../../../shared/exchange';
import type { FeedbackComment, FeedbackImportResult, FeedbackTarget, ShareMade, SharePlan, SupervisorEntry, SupervisorHolding } from '../../../../shared/supervisor';
import { TextPositions } from '../../../../shared/analysis-text';
import { fromB64, toB64, toHex } from '../../crypto/encoding';
import { KEY_BYTES } from '../../crypto/sodium';
import type { Crypto } from '../../crypto/sodium';
import { controlCharacterIn } from '../../../../shared/control-chars';
import { HvelvError } from '../../errors';
import { assertConsent } from '../../consent/gate';
import type { RecordStore } from '../../stores/record-store';
import type { VaultSession } from '../../vault/vault';
import { T, type Identity } from '../../consent/model';
import { Codebook } from '../analysis/codebook';
import { Coding } from '../analysis/coding';
import { Memos, Phases } from '../analysis/memos';
import { Themes } from '../analysis/themes';
import { findIdentifiers, knownDetails, NO_KNOWN_DETAILS } from '../deidentify/deidentify';
import { Exchange } from '../exchange/export';
import { TRANSCRIPT_TABLE, Transcripts, type TranscriptRecord } from '../transcripts/transcripts';
import { machineCount, machineSpansOf } from '../transcripts/machine-text';
import { ownerFingerprint, parseSupervisorKey, supervisorFingerprint } from './key-text';
import { openFeedback, parseFeedback, sealShare, type FeedbackItem, type ShareFields, type SharePayload } from './share-file';
import { sealShareV2, sharePartialPath, sweepSharePartials, writeShareV2, writeShareV2InWorker, type RecordingToShare, type SealedShareV2 } from './share-container';
import { beginExport } from '../project/export-journal';
import { Recordings } from '../recordings/recordings';
import { Attributes } from '../attributes/attributes';
import { nodeFileOps, writeFileAtomic } from '../../vault/atomic-file';

export const SUPERVISOR_TABLE = 'supervisor';
export const FEEDBACK_TABLE = 'feedback';
/** Ids of comments the student deleted, so importing the same feedback file again does not bring them back. */
export const FEEDBACK_DELETED_TABLE = 'feedback_deleted';

interface ShareLog {
  version: number;
  madeAt: string;
  participants: string[];
}

export interface SupervisorRecord {
  label: string;
  box: string;
  sign: string;
  until: IsoDate;
  recordings: boolean;
  addedAt: string;
  revokedAt: string | null;
  /** Sealed with the store key; given to the supervisor inside each share. */
  feedbackKey: string;
  shares: ShareLog[];
}

export interface FeedbackRecord {
  supervisorId: string;
  fingerprint: string;
  target: FeedbackTarget;
  text: string;
  createdAt: string;
  importedAt: string;
  flags: FeedbackComment['flags'];
  replies: { id: string; text: string; at: string }[];
  resolved: boolean;
  /** Its place in the feedback file, so comments written in the same second keep their order. */
  order: number;
}

export class Supervisors {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
    private readonly crypto: Pick<Crypto, 'random' | 'sign'>,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  private records() {
    return this.store.list<SupervisorRecord>(SUPERVISOR_TABLE);
  }

  private record(id: string) {
    const r = this.store.get<SupervisorRecord>(SUPERVISOR_TABLE, id);
    if (!r) throw new HvelvError('NOT_FOUND', `no supervisor ${id}`);
    return r;
  }

  private dto(id: string, r: SupervisorRecord): SupervisorEntry {
    const last = r.shares.at(-1) ?? null;
    return {
      id,
      label: r.label,
      fingerprint: supervisorFingerprint({ box: fromB64(r.box), sign: fromB64(r.sign) }),
      until: r.until,
      recordings: r.recordings,
      addedAt: r.addedAt,
      revokedAt: r.revokedAt,
      lastShare: last ? { version: last.version, madeAt: last.madeAt, participants: last.participants } : null,
    };
  }

  list(): SupervisorEntry[] {
    return this.records()
      .map((r) => this.dto(r.id, r.data))
      .sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  }

  /** The fingerprint of pasted key text, to compare before adding. */
  checkKey(text: string): { fingerprint: string } {
    return { fingerprint: supervisorFingerprint(parseSupervisorKey(text)) };
  }

  add(input: { key: string; label: string; until: IsoDate; recordings?: boolean }): SupervisorEntry {
    const keys = parseSupervisorKey(input.key);
    const today = localIsoDate(this.now());
    if (daysUntil(input.until, today) <= 0) throw new HvelvError('INVALID_INPUT', `access must end after today (${today})`);
    if (daysUntil(this.session.facts.endDate, input.until) < 0) throw new HvelvError('INVALID_INPUT', `access must end on the project end date (${this.session.facts.endDate}) at the latest`);
    const label = input.label.trim();
    if (!label) throw new HvelvError('INVALID_INPUT', 'give the supervisor a label');
    const box = toB64(keys.box);
    const sign = toB64(keys.sign);
    if (this.records().some((r) => r.data.box === box && r.data.revokedAt === null)) throw new HvelvError('NAME_TAKEN', 'this supervisor is already added');
    const data: SupervisorRecord = { label, box, sign, until: input.until, recordings: input.recordings === true, addedAt: this.now().toISOString(), revokedAt: null, feedbackKey: toB64(this.crypto.random(KEY_BYTES)), shares: [] };
    const rec = this.store.put(SUPERVISOR_TABLE, { participant: null, data });
    const fingerprint = supervisorFingerprint(keys);
    this.session.audit.append('supervisor.added', { details: { supervisor: fingerprint, until: input.until, recordings: data.recordings } });
    return this.dto(rec.id, data);
  }

  /**
   * Recordings on or off for a supervisor, from the next share on. Switched off, the next
   * share carries none and the supervisor's Hvelv deletes those it holds on importing it.
   */
  setRecordings(id: string, on: boolean): SupervisorEntry {
    const r = this.record(id);
    if (r.data.revokedAt) throw new HvelvError('SUPERVISOR_REVOKED', 'this supervisor was removed: no further share is made for them');
    if (r.data.recordings === on) return this.dto(id, r.data);
    const data = { ...r.data, recordings: on };
    this.store.put(SUPERVISOR_TABLE, { id, participant: null, data });
    this.session.audit.append('supervisor.recordings', { details: { supervisor: this.dto(id, data).fingerprint, recordings: on } });
    return this.dto(id, data);
  }

  /** Revocation: no further share is made for them. What they already hold stays until its end date. */
  remove(id: string): SupervisorEntry {
    const r = this.record(id);
    if (r.data.revokedAt) return this.dto(id, r.data);
    const data = { ...r.data, revokedAt: this.now().toISOString() };
    this.store.put(SUPERVISOR_TABLE, { id, participant: null, data });
    this.session.audit.append('supervisor.removed', { details: { supervisor: this.dto(id, data).fingerprint } });
    return this.dto(id, data);
  }

  /** Supervisors whose copy holds a participant's data, and whether a later share left them out. */
  holding(code: string): SupervisorHolding[] {
    return supervisorCopiesOf(this.session, code);
  }

  /* ---- shares ------------------------------------------------------------------------ */

  private withdrawnCodes(): string[] {
    return [...new Set(this.session.audit.list().filter((e) => e.action === 'participant.withdrawn' && e.participant).map((e) => e.participant!))].sort();
  }

  private gather(r: SupervisorRecord, supervisorId: string): SharePayload {
    const store = this.store;
    const coding = new Coding(this.session, this.now);
    const transcripts = store
      .list<TranscriptRecord>(TRANSCRIPT_TABLE)
      .filter((t) => t.participant)
      .map((t) => ({ id: t.id, participant: t.participant!, text: t.data.text, syncPoints: t.data.syncPoints, createdAt: t.data.createdAt, machineText: machineCount(t.data), machineSpans: machineSpansOf(t.data) }))
      .sort((a, b) => a.participant.localeCompare(b.participant) || a.createdAt.localeCompare(b.createdAt));
    const segments = transcripts.flatMap((t) => coding.forTranscript(t.id).filter((s) => s.orphanedAt === null));
    // Replies to comments this supervisor wrote under an earlier record (removed, added again) travel too.
    const same = new Set(this.records().filter((x) => x.data.box === r.box).map((x) => x.id).concat(supervisorId));
    const feedback = store.list<FeedbackRecord>(FEEDBACK_TABLE).filter((f) => same.has(f.data.supervisorId));
    return {
      phase: new Phases(this.session, this.now).get(),
      // Without the count with sub-codes: the share's format (payload-check.ts) has no such field.
      codes: new Codebook(this.session, this.now).list().map(({ segmentCountWithSubcodes: _, ...c }) => c),
      themes: new Themes(this.session, this.now).list(),
      memos: new Memos(this.session, this.now).list().filter((m) => !m.private),
      transcripts,
      segments,
      replies: feedback.filter((f) => f.data.replies.length > 0 || f.data.resolved).map((f) => ({ commentId: f.id, replies: f.data.replies, resolved: f.data.resolved })),
      feedbackKey: r.feedbackKey,
      ...this.sharedAttributes(new Set(transcripts.map((t) => t.participant))),
    };
  }

  /** Generalised values of attributes not marked identifying, of the shared participants (none: no field). */
  private sharedAttributes(shared: ReadonlySet<string>): Pick<SharePayload, 'attributes'> {
    const { attributes, values } = new Attributes(this.session, this.now).shareable();
    const out = [...values].filter(([code]) => shared.has(code)).flatMap(([participant, vs]) => vs.map((v) => ({ participant, ...v })));
    if (out.length === 0) return {};
    // Only attributes a shared value is of: the check reads the name and labels of those alone (outgoing.ts).
    const carried = new Set(out.map((v) => v.attributeId));
    return { attributes: { attributes: attributes.filter((a) => carried.has(a.id)).map((a) => ({ id: a.id, name: a.name, labels: a.labels })), values: out } };
  }

  /** What a share would hold, and the findings to deal with first. Reads only. */
  plan(supervisorId: string): SharePlan {
    const r = this.record(supervisorId);
    return this.planFrom(supervisorId, r.data, this.gather(r.data, supervisorId));
  }

  /**
   * The recordings a share for this supervisor carries: none unless the student switched
   * recordings on for them; then those of the participants whose transcripts are shared
   * (a withdrawn participant's recordings are already destroyed).
   */
  private recordingsFor(r: SupervisorRecord, p: SharePayload): RecordingToShare[] {
    if (!r.recordings || this.session.stores.recordings.destroyed) return [];
    const shared = new Set(p.transcripts.map((t) => t.participant));
    const withdrawn = new Set(this.withdrawnCodes());
    const byRecording = new Map<string, string[]>();
    for (const t of this.store.list<TranscriptRecord>(TRANSCRIPT_TABLE)) {
      if (t.data.recordingId) byRecording.set(t.data.recordingId, [...(byRecording.get(t.data.recordingId) ?? []), t.id]);
    }
    const recordings = new Recordings(this.session, this.now);
    return recordings
      .list()
      // Only where the consent in force still covers the recording: a participant who took
      // back consent to audio (without withdrawing) has their voice kept from the supervisor.
      .filter((x) => shared.has(x.code) && !withdrawn.has(x.code) && coversRecording(this.session.stores.keylist, x.code))
      .sort((a, b) => a.code.localeCompare(b.code) || a.importedAt.localeCompare(b.importedAt))
      .map((x) => {
        const peaks = recordings.peaks(x.id);
        return {
          participant: x.code,
          size: x.size,
          sha256: x.sha256,
          format: { format: x.format, codec: x.codec, durationMs: x.durationMs, sampleRate: x.sampleRate, channels: x.channels, bitrate: x.bitrate },
          transcriptIds: byRecording.get(x.id) ?? [],
          peaks: peaks ? toB64(peaks) : null,
          open: () => recordings.open(x.id),
        };
      });
  }

  private planFrom(supervisorId: string, r: SupervisorRecord, p: SharePayload): SharePlan {
    // The same check as a REFI-QDA export over the same content (transcripts, codes,
    // themes, memos that are not private), so a finding has the same id in both; and the
    // student's replies, which travel too.
    const exchange = new Exchange(this.session, this.now).plan('qdpx', { recordings: false });
    const findings: ExchangeFinding[] = [...exchange.findings, ...this.replyFindings(p)];
    const recs = this.recordingsFor(r, p);
    return {
      supervisorId,
      version: this.nextVersion(r),
      until: this.effectiveUntil(r),
      fingerprint: supervisorFingerprint({ box: fromB64(r.box), sign: fromB64(r.sign) }),
      ownerFingerprint: ownerFingerprint(this.session.ownerPublicKey),
      findings,
      participants: [...new Set(p.transcripts.map((t) => t.participant))].sort(),
      withdrawn: this.withdrawnCodes(),
      counts: { ...exchange.counts, transcripts: p.transcripts.length, codes: p.codes.length, segments: p.segments.length, themes: p.themes.length, memos: p.memos.length, recordings: recs.length, replies: p.replies.reduce((n, x) => n + x.replies.length, 0) },
      recordingsWarning: recs.length > 0,
      smallGroups: exchange.smallGroups ?? [],
    };
  }

  /**
   * The next share's version: one past the highest ever made for this supervisor's key, across
   * every record with it (removed and added again is a new record, but the same supervisor, whose
   * Hvelv refuses a version not newer than the one it holds).
   */
  private nextVersion(r: SupervisorRecord): number {
    const made = this.records().filter((x) => x.data.box === r.box).flatMap((x) => x.data.shares.map((s) => s.version));
    return Math.max(0, ...made) + 1;
  }

  private effectiveUntil(r: SupervisorRecord): IsoDate {
    const end = this.session.facts.endDate;
    return daysUntil(r.until, end) > 0 ? end : r.until;
  }

  private replyFindings(p: SharePayload): ExchangeFinding[] {
    const keylist = this.session.stores.keylist;
    const known = keylist.destroyed ? NO_KNOWN_DETAILS : knownDetails(keylist.list<Identity>(T.identity).map((x) => x.data));
    const kept = new Transcripts(this.session, this.now).choices();
    const out: ExchangeFinding[] = [];
    for (const r of p.replies) {
      for (const reply of r.replies) {
        const pos = new TextPositions(reply.text);
        for (const f of findIdentifiers(reply.text, known, kept.terms, kept.keyList)) {
          const start = pos.toCodePoint(f.start)!;
          const end = pos.toCodePoint(f.end)!;
          const where = { kind: 'reply' as const, id: reply.id, field: 'text' as const, participant: null };
          out.push({
            id: createHash('sha256').update(`reply:${reply.id}:text:${start}:${f.text}`).digest('hex').slice(0, 10),
            where,
            kind: f.kind,
            text: f.text,
            start,
            end,
            line: reply.text.slice(0, f.start).split('\n').length,
            before: pos.slice(Math.max(0, start - 30), start).replace(/\s+/g, ' '),
            after: pos.slice(end, end + 30).replace(/\s+/g, ' '),
            label: null,
            source: f.source,
          });
        }
      }
    }
    return out;
  }

  /**
   * Make a share for `supervisorId`: the bytes of the file. Refused with DETAILS_UNCHECKED
   * while a finding is neither replaced nor in `accepted` (an id that is no finding is
   * refused too); SUPERVISOR_REVOKED after revocation; PROJECT_ENDED once the key list is
   * gone or the end of access has come.
   */
  create(supervisorId: string, accepted: readonly string[]): { bytes: Uint8Array; made: Omit<ShareMade, 'file'>; v2: SealedShareV2 | null } {
    const rec = this.record(supervisorId);
    const r = rec.data;
    if (r.revokedAt) throw new HvelvError('SUPERVISOR_REVOKED', 'this supervisor was removed: no further share is made for them');
    const today = localIsoDate(this.now());
    const until = this.effectiveUntil(r);
    if (daysUntil(until, today) <= 0) throw new HvelvError('PROJECT_ENDED', `access ended on ${until}`);
    const payload = this.gather(r, supervisorId);
    const plan = this.planFrom(supervisorId, r, payload);
    const ids = new Set(plan.findings.map((f) => f.id));
    const stray = accepted.filter((a) => !ids.has(a));
    if (stray.length) throw new HvelvError('INVALID_INPUT', `no finding ${stray[0]} in what would be shared (check again: the text may have changed)`);
    const open = plan.findings.filter((f) => !accepted.includes(f.id));
    if (open.length) throw new HvelvError('DETAILS_UNCHECKED', `${open.length} possible identifying detail(s) are neither replaced nor accepted`);
    const madeAt = this.now().toISOString();
    const counts = { transcripts: plan.counts.transcripts, codes: plan.counts.codes, segments: plan.counts.segments, themes: plan.counts.themes, memos: plan.counts.memos };
    const fields: ShareFields = {
        vaultId: this.session.vaultId,
        title: this.session.facts.title,
        shareVersion: plan.version,
        madeAt,
        until,
        owner: this.session.ownerPublicKey,
        recipient: { box: fromB64(r.box), sign: fromB64(r.sign) },
        participants: plan.participants,
        withdrawn: plan.withdrawn,
        counts,
    };
    const made = { version: plan.version, until, fingerprint: plan.fingerprint, participants: plan.participants, counts: plan.counts };
    const sign = (m: Uint8Array) => this.session.signShare(m);
    const recordings = this.recordingsFor(r, payload);
    // Without recordings the share stays a version-1 file (one JSON); with them, version 2.
    if (recordings.length === 0) return { bytes: sealShare(this.crypto as Crypto, sign, fields, payload), made, v2: null };
    const v2 = sealShareV2(this.crypto as Crypto, sign, fields, payload, recordings);
    return { bytes: v2.head, made, v2 };
  }

  /**
   * Write a made share to `target` (the whole file, or nothing): a version-1 share as one
   * atomic write; a version-2 one streamed, each recording re-sealed chunk by chunk.
   */
  writeShare(target: string, created: { bytes: Uint8Array; v2: SealedShareV2 | null }): void {
    // What an earlier share to this folder left when it was killed goes first; this one's
    // temporary file is noted in the export journal, so a crash now is cleaned up at the
    // next unlock, as an interrupted export is.
    const removed = sweepSharePartials(path.dirname(path.resolve(target)));
    if (removed > 0) this.session.audit.append('share.leftovers-removed', { details: { count: removed } });
    const tmp = sharePartialPath(path.resolve(target));
    const note = beginExport(this.session, tmp, this.now);
    try {
      if (created.v2) writeShareV2(target, created.v2, tmp);
      else writeFileAtomic(target, created.bytes, nodeFileOps, tmp);
    } finally {
      note.end();
    }
  }

  /**
   * writeShare with the recordings re-sealed in a worker thread (share-container.ts
   * writeShareV2InWorker): the app's window and the command's progress keep going, and
   * `signal` cancels it with nothing left behind (CANCELLED). A share without recordings
   * is one small atomic write, as in writeShare.
   */
  async writeShareInWorker(target: string, created: { bytes: Uint8Array; v2: SealedShareV2 | null }, opts: { signal?: AbortSignal; onProgress?: (p: { bytes: number; total: number }) => void } = {}): Promise<void> {
    if (!created.v2) return this.writeShare(target, created);
    const removed = sweepSharePartials(path.dirname(path.resolve(target)));
    if (removed > 0) this.session.audit.append('share.leftovers-removed', { details: { count: removed } });
    const tmp = sharePartialPath(path.resolve(target));
    const note = beginExport(this.session, tmp, this.now);
    // A lock stops it as Cancel does: a share the locked vault cannot record (for withdrawal,
    // and in the log) must not be left on the disk.
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort);
    const offLock = this.session.onLock(abort);
    try {
      await writeShareV2InWorker(target, created.v2, tmp, { ...opts, signal: stop.signal });
      if (this.session.isLocked) {
        fs.rmSync(target, { force: true });
        throw new HvelvError('CANCELLED', 'the vault locked; the share was not kept');
      }
    } finally {
      offLock();
      opts.signal?.removeEventListener('abort', abort);
      note.end();
    }
  }

  /** A made share that will not be written (the save dialog cancelled): its recordings' stream keys are overwritten. */
  discardShare(created: { v2: SealedShareV2 | null }): void {
    for (const s of created.v2?.streams ?? []) s.key.fill(0);
  }

  /** After the file is written: the share is recorded (for withdrawal) and audited, with no personal data. */
  recordShare(supervisorId: string, made: Omit<ShareMade, 'file'>): void {
    const rec = this.record(supervisorId);
    const data: SupervisorRecord = { ...rec.data, shares: [...rec.data.shares, { version: made.version, madeAt: this.now().toISOString(), participants: made.participants }] };
    this.store.put(SUPERVISOR_TABLE, { id: supervisorId, participant: null, data });
    this.session.audit.append('share.created', {
      details: { supervisor: made.fingerprint, version: made.version, until: made.until, participants: made.participants.join(','), recordings: made.counts.recordings, transcripts: made.counts.transcripts, codes: made.counts.codes, segments: made.counts.segments, themes: made.counts.themes, memos: made.counts.memos },
    });
  }

  /* ---- feedback ------------------------------------------------------------------------- */

  /**
   * Import a feedback file: it must be signed by a supervisor of this vault and sealed with
   * the feedback key this vault gave them; otherwise nothing is imported. Comments are
   * checked for identifying details (flagged, never hidden); a comment on a participant's
   * segment is sealed under that participant's key (destroyed on withdrawal).
   */
  importFeedback(bytes: Uint8Array, crypto: Crypto): FeedbackImportResult {
    const parsed = parseFeedback(bytes);
    if (parsed.body.vaultId !== this.session.vaultId) throw new HvelvError('FEEDBACK_UNKNOWN_SIGNER', 'the feedback file is for another project');
    // A supervisor removed and added again has two records with the same key, each with its own
    // feedback key: the current one first, then the removed ones (comments written on a copy
    // they held while they had access are still imported, marked as from a removed supervisor).
    const candidates = this.records()
      .filter((r) => r.data.sign === parsed.body.supervisor)
      .sort((a, b) => Number(a.data.revokedAt !== null) - Number(b.data.revokedAt !== null) || b.data.addedAt.localeCompare(a.data.addedAt));
    if (candidates.length === 0) throw new HvelvError('FEEDBACK_UNKNOWN_SIGNER', 'the feedback file is signed by someone who is not a supervisor of this project');
    let sup = candidates[0]!;
    let items: FeedbackItem[] | null = null;
    let firstError: unknown = null;
    for (const c of candidates) {
      try {
        items = openFeedback(crypto, parsed, fromB64(c.data.sign, 32), fromB64(c.data.feedbackKey, KEY_BYTES));
        sup = c;
        break;
      } catch (err) {
        // Only a key that does not fit is worth trying the next record for.
        if (!(err instanceof HvelvError) || err.code !== 'FEEDBACK_UNKNOWN_SIGNER') throw err;
        firstError ??= err;
      }
    }
    if (!items) throw firstError as Error;
    // A comment that could steer the student's terminal (ESC, BEL, …) is no comment: the
    // whole file is refused, as for any other change to what a supervisor may send.
    for (const c of items) {
      const bad = controlCharacterIn(c.text);
      if (bad) throw new HvelvError('TEXT_CONTROL_CHARACTERS', `comment ${c.id} holds the control character ${bad}; nothing was imported`);
    }
    const fp = this.dto(sup.id, sup.data).fingerprint;
    const existing = new Set([...this.store.list(FEEDBACK_TABLE), ...this.store.list(FEEDBACK_DELETED_TABLE)].map((r) => r.id));
    const coding = new Coding(this.session, this.now);
    const keylist = this.session.stores.keylist;
    const known = keylist.destroyed ? NO_KNOWN_DETAILS : knownDetails(keylist.list<Identity>(T.identity).map((x) => x.data));
    const kept = new Transcripts(this.session, this.now).choices();
    const memos = new Memos(this.session, this.now);
    /** Whose data a comment is: a segment's or a memo's participant; undefined when its target is gone (withdrawn or deleted). */
    const ownerOf = (t: FeedbackItem['target']): string | null | undefined => {
      try {
        if (t.kind === 'segment') return coding.get(t.id).participant;
        if (t.kind === 'memo') return memos.get(t.id).participant;
        return null;
      } catch {
        return undefined;
      }
    };
    let added = 0;
    let dropped = 0;
    const flagged: string[] = [];
    const importedAt = this.now().toISOString();
    const withdrawn = new Set(this.withdrawnCodes());
    this.store.atomically(() => {
      for (const [order, c] of items.entries()) {
        if (existing.has(c.id)) continue;
        const participant = ownerOf(c.target);
        if (participant === undefined || (c.target.kind === 'segment' && participant === null) || (participant && withdrawn.has(participant))) {
          dropped++;
          continue;
        }
        const pos = new TextPositions(c.text);
        const flags = findIdentifiers(c.text, known, kept.terms, kept.keyList).map((f) => ({ kind: f.kind, text: f.text, start: pos.toCodePoint(f.start)!, end: pos.toCodePoint(f.end)! }));
        if (flags.length) flagged.push(c.id);
        const data: FeedbackRecord = { supervisorId: sup.id, fingerprint: fp, target: c.target, text: c.text, createdAt: c.createdAt, importedAt, flags, replies: [], resolved: false, order };
        this.store.put(FEEDBACK_TABLE, { id: c.id, participant, data });
        added++;
      }
    });
    this.session.audit.append('feedback.imported', { details: { supervisor: fp, comments: items.length, added, dropped, flagged: flagged.length } });
    return { fingerprint: fp, label: sup.data.label, comments: items.length, added, dropped, flagged, supervisorRemoved: sup.data.revokedAt !== null };
  }

  comments(): FeedbackComment[] {
    return this.store
      .list<FeedbackRecord>(FEEDBACK_TABLE)
      .sort((a, b) => a.data.createdAt.localeCompare(b.data.createdAt) || a.data.importedAt.localeCompare(b.data.importedAt) || a.data.order - b.data.order)
      .map((r) => this.commentDto(r.id, r.participant, r.data));
  }

  reply(commentId: string, text: string): FeedbackComment {
    const r = this.feedback(commentId);
    const body = text.trim().normalize('NFC');
    if (!body) throw new HvelvError('INVALID_INPUT', 'a reply needs some text');
    const bad = controlCharacterIn(body);
    if (bad) throw new HvelvError('TEXT_CONTROL_CHARACTERS', `the reply holds the control character ${bad}`);
    const data = { ...r.data, replies: [...r.data.replies, { id: toHex(this.crypto.random(16)), text: body, at: this.now().toISOString() }] };
    this.store.put(FEEDBACK_TABLE, { id: commentId, participant: r.participant, data });
    return this.commentDto(commentId, r.participant, data);
  }

  resolve(commentId: string, resolved: boolean): FeedbackComment {
    const r = this.feedback(commentId);
    const data = { ...r.data, resolved };
    this.store.put(FEEDBACK_TABLE, { id: commentId, participant: r.participant, data });
    return this.commentDto(commentId, r.participant, data);
  }

  /**
   * Replace part of an imported comment (a flagged detail, or any words) with a placeholder
   * such as [telefon]: the supervisor's words are theirs, but what they wrote about a
   * participant is not kept in full once the student has judged it identifying. Positions are
   * code points; `expected` must be the text there now.
   */
  redact(commentId: string, change: { start: number; end: number; expected: string; with: string }): FeedbackComment {
    const r = this.feedback(commentId);
    if (!PLACEHOLDER.test(change.with)) throw new HvelvError('INVALID_INPUT', 'a replacement must be a placeholder in brackets, such as [navn]');
    const pos = new TextPositions(r.data.text);
    const { start, end } = change;
    if (!(start >= 0 && end > start && end <= pos.codePoints) || pos.slice(start, end) !== change.expected) throw new HvelvError('INVALID_INPUT', 'the comment does not hold that text there (it may have changed)');
    const text = pos.slice(0, start) + change.with + pos.slice(end, pos.codePoints);
    const delta = [...change.with].length - (end - start);
    // Flags over the replaced words go; those after it move with the text.
    const flags = r.data.flags.filter((f) => f.end <= start || f.start >= end).map((f) => (f.start >= end ? { ...f, start: f.start + delta, end: f.end + delta } : f));
    const data: FeedbackRecord = { ...r.data, text, flags };
    // Only personal data is taken out: allowed after the key list is gone too.
    this.store.put(FEEDBACK_TABLE, { id: commentId, participant: r.participant, data }, { removal: true });
    this.session.audit.append('feedback.redacted', { details: { supervisor: r.data.fingerprint } });
    return this.commentDto(commentId, r.participant, data);
  }

  /** Delete an imported comment; importing the same feedback file again does not bring it back. */
  deleteComment(commentId: string): void {
    const r = this.feedback(commentId);
    this.store.atomically(() => {
      this.store.delete(FEEDBACK_TABLE, commentId);
      this.store.put(FEEDBACK_DELETED_TABLE, { id: commentId, participant: null, data: { deletedAt: this.now().toISOString() } });
    });
    this.session.audit.append('feedback.deleted', { details: { supervisor: r.data.fingerprint } });
  }

  private feedback(id: string) {
    const r = this.store.get<FeedbackRecord>(FEEDBACK_TABLE, id);
    if (!r) throw new HvelvError('NOT_FOUND', `no comment ${id}`);
    return r;
  }

  private commentDto(id: string, participant: string | null, d: FeedbackRecord): FeedbackComment {
    const from = this.store.get<SupervisorRecord>(SUPERVISOR_TABLE, d.supervisorId);
    return { id, target: d.target, targetLabel: this.label(d.target), ...(d.target.kind === 'segment' ? this.passage(d.target.id) : {}), text: d.text, fingerprint: d.fingerprint, createdAt: d.createdAt, participant, flags: d.flags, replies: d.replies, resolved: d.resolved, exportedAt: null, supervisorRemoved: from ? from.data.revokedAt !== null : true };
  }

  /** The coded words a comment on a segment is about, and where they are; empty once they are gone. */
  private passage(segmentId: string): Pick<FeedbackComment, 'excerpt' | 'place'> {
    try {
      const s = new Coding(this.session, this.now).get(segmentId);
      // An orphan's words were deleted from the transcript: quoted, but there is nothing to open.
      return { excerpt: s.text, ...(s.orphanedAt ? {} : { place: { transcriptId: s.transcriptId, start: s.start, end: s.end } }) };
    } catch {
      return { excerpt: '' };
    }
  }

  private label(t: FeedbackTarget): string {
    try {
      if (t.kind === 'code') return new Codebook(this.session, this.now).get(t.id).path.join(' / ');
      if (t.kind === 'theme') return new Themes(this.session, this.now).get(t.id).name;
      if (t.kind === 'memo') return new Memos(this.session, this.now).get(t.id).createdAt.slice(0, 10);
      return new Coding(this.session, this.now).get(t.id).participant;
    } catch {
      return '';
    }
  }
}

export { ownerFingerprint };

/**
 * A comment on a participant's segment as an access request gives it: the supervisor's words,
 * what it is about, and the student's replies (JSON; the replies are about the participant too).
 */
export function feedbackForAccess(d: FeedbackRecord): string {
  const out = { about: d.target, supervisor: d.fingerprint, writtenAt: d.createdAt, comment: d.text, replies: d.replies.map((r) => ({ at: r.at, text: r.text })), resolved: d.resolved };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * The supervisors who were sent a share holding `code`'s data (the latest such share), and
 * when a newer share without them was made (null: not yet). For the withdrawal screen and
 * receipt: the supervisor's copy is outside the vault, and only a new share deletes it there.
 */
export function supervisorCopiesOf(session: VaultSession, code: string): SupervisorHolding[] {
  const store = session.stores.transcripts;
  if (store.destroyed) return [];
  const out: SupervisorHolding[] = [];
  for (const r of store.list<SupervisorRecord>(SUPERVISOR_TABLE)) {
    const shares = r.data.shares;
    const i = shares.map((x) => x.participants.includes(code)).lastIndexOf(true);
    if (i < 0) continue;
    const later = shares.slice(i + 1).find((x) => !x.participants.includes(code));
    const fingerprint = supervisorFingerprint({ box: fromB64(r.data.box), sign: fromB64(r.data.sign) });
    out.push({ supervisorId: r.id, label: r.data.label, fingerprint, version: shares[i]!.version, madeAt: shares[i]!.madeAt, replacedAt: later?.madeAt ?? null });
  }
  return out;
}

function coversRecording(keylist: RecordStore, code: string): boolean {
  try {
    assertConsent(keylist, code, 'recording');
    return true;
  } catch (err) {
    if (err instanceof HvelvError && (err.code === 'CONSENT_MISSING' || err.code === 'PARTICIPANT_WITHDRAWN' || err.code === 'UNKNOWN_PARTICIPANT')) return false;
    throw err;
  }
}
