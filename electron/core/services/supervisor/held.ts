/**
 * The supervisor's side: opening a share into the folder, reading it, commenting on it,
 * the feedback file, and the end date (with no passphrase, like the owner's `enforce`).
 *
 * A held share is three files in `shares/<vaultId>/`: `copy-<v>.key` (a fresh copy key,
 * wrapped under the supervisor's user key), `copy-<v>.sealed` (the content under the copy
 * key) and `comments-<v>.sealed` (the supervisor's comments, under the same key). The
 * share file itself is not kept: it is sealed to the supervisor's long-term key, which
 * cannot be destroyed at one share's end date, so the content is re-sealed under a key
 * that can. What the daily job needs (end date, version) is in the signed header.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { RetrievedSegment, SearchHit, SearchResult, Segment, ThematicMapData } from '../../../../shared/analysis';
import { foldForSearch, parseQuery, TextPositions } from '../../../../shared/analysis-text';
import { daysUntil, localIsoDate, type IsoDate } from '../../../../shared/domain';
import type { FeedbackComment, FeedbackTarget, HeldShare, ShareCertificate, ShareContent, SharedTranscript, ShareReport } from '../../../../shared/supervisor';
import type { SignatureVerifier } from '../../crypto/ed25519';
import { canonicalJson, encodeFields, fromB64, fromUtf8, toB64, toHex, utf8 } from '../../crypto/encoding';
import { KEY_BYTES, XNONCE_BYTES } from '../../crypto/sodium';
import { HvelvError, integrity } from '../../errors';
import { fsyncDir, nodeFileOps, writeFileAtomic, writeFileAtomicWith } from '../../vault/atomic-file';
import { acquireLock } from '../../vault/lock';
import { controlCharacterIn } from '../../../../shared/control-chars';
import { shredFile } from '../../vault/safe-delete';
import { context } from '../analysis/coding';
import { CLOCK_FILE, readSupervisorHeader, shareDir, SHARES_DIR, TOMBSTONE, type HeldEntry, type SupervisorSession } from './folder';
import { ownerFingerprint, supervisorFingerprint } from './key-text';
import { checkSharePayload } from './payload-check';
import { retrievedSegments, shareReport, stampAt } from './report';
import { openSharePayload, sealFeedback, type FeedbackItem, type SharePayload } from './share-file';
import { bytesSource, fileSource, openStream, readShareHead, recordingStreamAd, type ShareSource, type StreamLayout } from './share-container';
import { resealInWorker, type ResealProgress } from '../../crypto/reseal';
import { sealChunk, streamAd, streamHeader, StreamReader } from '../../crypto/stream';
import type { AudioFacts } from '../../../../shared/contract';

const clockSchema = z.object({ latestSeen: z.iso.datetime() });
/** How far ahead of this machine a share's date may be (clocks differ) before it is refused. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

/** The time to judge end dates by: never earlier than any time this folder has seen (signed or by the daily job). */
export function supervisorNow(dir: string, headerLatest: string, now: Date, extra: string[] = []): Date {
  let t = Math.max(now.getTime(), Date.parse(headerLatest), ...extra.map((e) => Date.parse(e)).filter((n) => !Number.isNaN(n)));
  try {
    t = Math.max(t, Date.parse(clockSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, CLOCK_FILE), 'utf8'))).latestSeen));
  } catch {
    /* none yet or damaged: the signed time still holds */
  }
  return new Date(t);
}

/** Access ends on `until`: from that day on, the copy is destroyed. */
export const isExpired = (until: string, today: IsoDate): boolean => daysUntil(until as IsoDate, today) <= 0;

const copyAd = (supervisorId: string, vaultId: string, version: number, what: 'content' | 'comments'): Uint8Array =>
  encodeFields('hvelv/supervisor-copy', [1, supervisorId, vaultId, version, what]);

/**
 * A recording held with a copy: `rec-<v>-<blob>.hvr` in the share's folder, in the
 * recording store's seekable format, under its own key, which is kept only inside the
 * copy's sealed content (so destroying the copy key makes every recording noise too).
 */
interface HeldRecording {
  /** The stream's id in the share. */
  id: string;
  participant: string;
  blob: string;
  key: string;
  size: number;
  sha256: string;
  format: AudioFacts;
  transcriptIds: string[];
  peaks: string | null;
}

/** What a copy's sealed content holds: the share's content, and the recordings held with it. */
type HeldPayload = Omit<SharePayload, 'recordings'> & { heldRecordings?: HeldRecording[] };

const recordingFile = (version: number, blob: string): string => {
  if (!/^[0-9a-f]{32}$/.test(blob)) throw integrity('a held recording’s name is malformed');
  return `rec-${version}-${blob}.hvr`;
};
/** The associated-data scope of a held recording's chunks: this folder, this share, this version. */
const recordingScope = (supervisorId: string, vaultId: string, version: number): string => `hvelv/supervisor-recording/1/${supervisorId}/${vaultId}/${version}`;

interface StoredComment extends FeedbackItem {
  exportedAt: string | null;
}

function heldDto(vaultId: string, e: HeldEntry): HeldShare {
  return {
    vaultId,
    title: e.title,
    ownerFingerprint: ownerFingerprint(fromB64(e.owner, 32)),
    version: e.version,
    madeAt: e.madeAt,
    until: e.until as IsoDate,
    importedAt: e.importedAt,
    state: e.destroyedAt ? 'destroyed' : 'open',
    destroyedAt: e.destroyedAt,
    participants: e.participants,
    counts: e.counts,
  };
}

/** The supervisor's copies, over an unlocked folder. */
/**
 * Reading the share file itself: a failed check there is the share file's damage (SHARE_DAMAGED,
 * "the share file is damaged"), not the supervisor folder's (INTEGRITY says "the vault is damaged").
 */
function fromShareFile<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof HvelvError && err.code === 'INTEGRITY') throw new HvelvError('SHARE_DAMAGED', err.message, { cause: err });
    throw err;
  }
}

export class HeldShares {
  constructor(private readonly s: SupervisorSession) {
    this.settle();
  }

  /**
   * On every unlock: sign into the header what the daily job did without a passphrase
   * (tombstones), destroy what is due now, and remember the latest time seen.
   */
  settle(): void {
    const h = this.s.header;
    const shares = { ...h.shares };
    const now = supervisorNow(this.s.path, h.latestSeen, this.s.deps.now());
    const today = localIsoDate(now);
    let changed = false;
    for (const [vaultId, e] of Object.entries(shares)) {
      if (e.destroyedAt) continue;
      const tomb = readTombstone(this.s.path, vaultId);
      if (tomb || isExpired(e.until, today)) {
        const at = tomb ? tombstoneTime(tomb, e, now) : destroyCopy(this.s.path, vaultId, e, now);
        shares[vaultId] = { ...e, destroyedAt: at };
        changed = true;
      }
    }
    sweepStale(this.s.path, shares);
    if (changed || Date.parse(h.latestSeen) < now.getTime() - 60_000) this.s.writeHeader({ shares, latestSeen: now.toISOString() });
  }

  /** The copies held; what has come to its end date is destroyed first, so none is listed `open` past it. */
  list(): HeldShare[] {
    this.settle();
    return Object.entries(this.s.header.shares)
      .map(([id, e]) => heldDto(id, e))
      .sort((a, b) => b.madeAt.localeCompare(a.madeAt));
  }

  /**
   * Import a share file. Refused, with nothing imported and nothing changed: a share for
   * another supervisor, any changed byte, another signer than the student who made the
   * copy held, an older (or the same) version, and a share whose end date has passed
   * (judged by the latest time this folder has seen, so setting the clock back does not help).
   */
  open(input: Uint8Array | string): HeldShare {
    // A path is read as the share is needed (a share with recordings can be far larger than memory should hold).
    const src = typeof input === 'string' ? fileSource(input) : bytesSource(input);
    try {
      const run = this.openFrom(src, null);
      return run as HeldShare;
    } finally {
      src.close();
    }
  }

  /**
   * open() of a share file with its recordings re-sealed in a worker thread (crypto/reseal.ts):
   * the app's window keeps answering, progress comes as the audio goes (bytes of all the
   * recordings), and `signal` cancels it (CANCELLED) with nothing imported and nothing of
   * this version left in the folder. The same checks as open(), in the same order.
   */
  async openInWorker(file: string, opts: { signal?: AbortSignal; onProgress?: (p: { bytes: number; total: number }) => void } = {}): Promise<HeldShare> {
    const src = fileSource(file);
    try {
      return await this.openFrom(src, opts);
    } finally {
      src.close();
    }
  }

  /** With `worker` null, all on this thread (returns a HeldShare); otherwise a Promise of one. */
  private openFrom(src: ShareSource, worker: null): HeldShare;
  private openFrom(src: ShareSource, worker: { signal?: AbortSignal; onProgress?: (p: { bytes: number; total: number }) => void }): Promise<HeldShare>;
  private openFrom(src: ShareSource, worker: { signal?: AbortSignal; onProgress?: (p: { bytes: number; total: number }) => void } | null): HeldShare | Promise<HeldShare> {
    const { crypto } = this.s.deps;
    const { body, streams } = fromShareFile(() => readShareHead(src, crypto));
    const mine = this.s.publicKeys;
    if (body.recipient.box !== toB64(mine.box) || body.recipient.sign !== toB64(mine.sign)) {
      throw new HvelvError('SHARE_NOT_FOR_YOU', `the share is for the supervisor ${supervisorFingerprint({ box: fromB64(body.recipient.box), sign: fromB64(body.recipient.sign) })}, not for you`);
    }
    const h = this.s.header;
    const held = h.shares[body.vaultId];
    if (held && held.owner !== body.owner) throw new HvelvError('SHARE_OTHER_OWNER', 'the share is signed by another key than the student whose share you hold');
    // The folder's own clock, never moved by what a share says: a share dated years ahead
    // (a wrong clock, or anyone who has the supervisor key) must not age every copy held.
    const seen = supervisorNow(this.s.path, h.latestSeen, this.s.deps.now());
    if (Date.parse(body.madeAt) > seen.getTime() + FUTURE_SLACK_MS) throw new HvelvError('SHARE_FROM_FUTURE', `the share says it was made ${body.madeAt}, more than a day ahead of this machine`);
    // This share's own end is judged by the later of the two.
    const now = new Date(Math.max(seen.getTime(), Date.parse(body.madeAt)));
    if (held?.destroyedAt && body.shareVersion <= held.version) throw new HvelvError('SHARE_EXPIRED', `version ${body.shareVersion}: the copy of this share was deleted at its end date`);
    if (held && body.shareVersion <= held.version) throw new HvelvError('SHARE_OUTDATED', `version ${body.shareVersion} is not newer than version ${held.version}, which you hold`);
    if (isExpired(body.until, localIsoDate(now))) throw new HvelvError('SHARE_EXPIRED', `access ended on ${body.until}`);
    const payload = fromShareFile(() => checkSharePayload(openSharePayload(crypto, body, (sealed) => this.s.openSealed(sealed))));
    const streamEntries = fromShareFile(() => matchStreams(body.participants, body.withdrawn, streams, payload));

    // The comments written on the copy held so far, less those about a participant who withdrew
    // (their data) or about something the new version no longer has.
    const kept = held && !held.destroyedAt ? this.readComments(body.vaultId, held.version) : [];
    const targets = targetsOf(payload);
    const withdrawn = new Set(body.withdrawn);
    const comments = kept.filter((c) => targets.has(`${c.target.kind}:${c.target.id}`) && !(c.target.kind === 'segment' && withdrawn.has(segmentParticipant(payload, c.target.id) ?? '')));

    const dir = shareDir(this.s.path, body.vaultId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = crypto.random(KEY_BYTES);
    const v = body.shareVersion;
    const failed = (err: unknown): never => {
      // Nothing imported: this version's files go (the held version, if any, is untouched).
      if (!held || held.version !== v) removeVersionFiles(dir, v);
      throw err;
    };
    // The recordings first, each re-sealed chunk by chunk under a fresh key of its own;
    // until the content below names those keys, what is written is noise.
    const heldRecordings: HeldRecording[] = [];
    const oneRecording = (s: StreamLayout, e: (typeof streamEntries)[number][1], blob: string, blobKey: Uint8Array): void => {
      heldRecordings.push({ id: s.id, participant: s.participant, blob, key: toB64(blobKey), size: s.size, sha256: e.sha256, format: e.format, transcriptIds: e.transcriptIds, peaks: e.peaks });
    };
    const finish = (): HeldShare => {
      let entry: HeldEntry;
      try {
        entry = this.finishOpen({ body, payload, comments, seen, dir, key, v, heldRecordings });
      } catch (err) {
        return failed(err);
      } finally {
        crypto.wipe(key);
      }
      // The header names the new version: only now do the old one's files go.
      if (held) removeVersionFiles(dir, held.version);
      fs.rmSync(path.join(dir, TOMBSTONE), { force: true });
      return heldDto(body.vaultId, entry);
    };
    if (worker) {
      return (async () => {
        const total = streamEntries.reduce((n, [s]) => n + s.size, 0);
        let before = 0;
        try {
          for (const [s, e] of streamEntries) {
            const blob = toHex(crypto.random(16));
            const blobKey = crypto.random(KEY_BYTES);
            try {
              const at = before;
              await this.importRecordingInWorker(src, body, s, fromB64(e.key, KEY_BYTES, 'recording key'), e.sha256, path.join(dir, recordingFile(v, blob)), blob, blobKey, body.vaultId, v, {
                signal: worker.signal,
                onProgress: (p) => worker.onProgress?.({ bytes: at + p.bytes, total }),
              }).catch((err: unknown) => {
                throw err instanceof HvelvError && err.code === 'INTEGRITY' ? new HvelvError('SHARE_DAMAGED', err.message, { cause: err }) : err;
              });
              oneRecording(s, e, blob, blobKey);
            } finally {
              crypto.wipe(blobKey);
            }
            before += s.size;
          }
        } catch (err) {
          crypto.wipe(key);
          return failed(err);
        }
        return finish();
      })();
    }
    try {
      for (const [s, e] of streamEntries) {
        const blob = toHex(crypto.random(16));
        const blobKey = crypto.random(KEY_BYTES);
        try {
          fromShareFile(() => this.importRecording(src, body, s, fromB64(e.key, KEY_BYTES, 'recording key'), e.sha256, path.join(dir, recordingFile(v, blob)), blob, blobKey, body.vaultId, v));
          oneRecording(s, e, blob, blobKey);
        } finally {
          crypto.wipe(blobKey);
        }
      }
    } catch (err) {
      crypto.wipe(key);
      return failed(err);
    }
    return finish();
  }

  /** The content, comments and header of an opened share, after its recordings are in; then the older version's files go. */
  private finishOpen(c: { body: Parameters<typeof openStream>[1] & { title: string; shareVersion: number; madeAt: string; until: IsoDate; participants: string[]; counts: HeldEntry['counts'] }; payload: SharePayload; comments: StoredComment[]; seen: Date; dir: string; key: Uint8Array; v: number; heldRecordings: HeldRecording[] }): HeldEntry {
    const { body, payload, comments, seen, dir, key, v, heldRecordings } = c;
    const h = this.s.header;
    {
      // `heldRecordings` is this folder's own field, always set here: a share that brings one
      // in its content (a stranger's, say) must not have it kept as if it were checked.
      const { recordings: _streamKeys, heldRecordings: _brought, ...rest } = payload as SharePayload & { heldRecordings?: unknown };
      const content: HeldPayload = { ...rest, heldRecordings };
      writeFileAtomic(path.join(dir, `copy-${v}.key`), utf8(JSON.stringify(this.s.wrapCopyKey(body.vaultId, v, key))));
      this.writeSealed(key, body.vaultId, v, 'content', utf8(JSON.stringify(content)));
      this.writeSealed(key, body.vaultId, v, 'comments', utf8(JSON.stringify(comments)));
      const entry: HeldEntry = {
        owner: body.owner,
        title: body.title,
        version: body.shareVersion,
        madeAt: body.madeAt,
        until: body.until,
        importedAt: this.s.deps.now().toISOString(),
        participants: body.participants,
        counts: body.counts,
        destroyedAt: null,
      };
      // The header makes the new version the one held; only then do the old files go. Inside
      // the try: a header that cannot be written (a full disk) leaves no copy the header does
      // not name, which the daily job would not know to delete at its end date.
      this.s.writeHeader({ shares: { ...h.shares, [body.vaultId]: entry }, latestSeen: seen.toISOString() });
      return entry;
    }
  }

  /** Everything the share holds except transcript texts. */
  content(vaultId: string): ShareContent {
    const { entry, payload } = this.load(vaultId);
    const counts = new Map<string, number>();
    for (const s of payload.segments) counts.set(s.transcriptId, (counts.get(s.transcriptId) ?? 0) + 1);
    const map: ThematicMapData = {
      title: entry.title,
      themes: payload.themes.map((t) => ({ id: t.id, name: t.name, status: t.status, parentId: t.parentId, codeIds: t.codeIds, segmentCount: t.segmentCount })),
      codes: payload.codes.map((c) => ({ id: c.id, name: c.name, color: c.color, segmentCount: c.segmentCount })),
    };
    return {
      share: heldDto(vaultId, entry),
      phase: payload.phase,
      codes: payload.codes,
      themes: payload.themes,
      memos: payload.memos,
      transcripts: payload.transcripts.map((t) => ({ id: t.id, participant: t.participant, chars: new TextPositions(t.text).codePoints, segments: counts.get(t.id) ?? 0, reachesMs: t.syncPoints.length ? Math.max(...t.syncPoints.map((p) => p.ms)) : null, machineText: t.machineText ?? null })),
      map,
      replies: payload.replies,
      recordings: (payload.heldRecordings ?? []).map((r) => ({ ...r.format, id: r.id, participant: r.participant, transcriptIds: r.transcriptIds, size: r.size, peaks: r.peaks })),
      ...(payload.attributes ? { attributes: payload.attributes } : {}),
    };
  }

  /** Random access to a held recording's audio, decrypted chunk by chunk in memory. The caller closes the reader. */
  openRecording(vaultId: string, id: string): { reader: StreamReader; format: AudioFacts['format']; size: number } {
    const { entry, payload } = this.load(vaultId);
    const r = (payload.heldRecordings ?? []).find((x) => x.id === id);
    if (!r) throw new HvelvError('NOT_FOUND', 'no such recording in the share');
    const key = fromB64(r.key, KEY_BYTES, 'recording key');
    try {
      const file = path.join(shareDir(this.s.path, vaultId), recordingFile(entry.version, r.blob));
      return { reader: StreamReader.open(file, key, recordingScope(this.s.header.supervisorId, vaultId, entry.version), Buffer.from(r.blob, 'hex')), format: r.format.format, size: r.size };
    } finally {
      this.s.deps.crypto.wipe(key);
    }
  }

  /**
   * importRecording in a worker thread (crypto/reseal.ts): the share's stream read from the
   * share file's descriptor (checked by readShareHead), opened, hashed against what the
   * student signed for, re-sealed under the held recording's key into `${file}.partial`,
   * fsynced, then renamed here. Cancelled or failed, the partial file is gone.
   */
  private async importRecordingInWorker(src: ShareSource, body: Parameters<typeof openStream>[1], s: StreamLayout, streamKey: Uint8Array, sha256: string, file: string, blob: string, blobKey: Uint8Array, vaultId: string, version: number, opts: { signal?: AbortSignal; onProgress?: (p: ResealProgress) => void }): Promise<void> {
    const header = streamHeader(Buffer.from(blob, 'hex'));
    const ad = streamAd(recordingScope(this.s.header.supervisorId, vaultId, version), header);
    const tmp = `${file}.partial`;
    try {
      if (src.fd === undefined) throw new HvelvError('INTERNAL', 'a share in memory is opened on this thread');
      await resealInWorker({ tmp, head: header, streams: [{ from: { fd: src.fd, offset: s.offset, size: s.size, key: streamKey, ad: recordingStreamAd(body, s), sha256 }, key: blobKey, ad }] }, opts);
      fs.renameSync(tmp, file);
      fsyncDir(path.dirname(file));
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    } finally {
      this.s.deps.crypto.wipe(streamKey);
    }
  }

  /** One stream of the share into a held recording file (temporary name, fsynced, renamed). */
  private importRecording(src: ShareSource, body: Parameters<typeof openStream>[1], s: StreamLayout, streamKey: Uint8Array, sha256: string, file: string, blob: string, blobKey: Uint8Array, vaultId: string, version: number): void {
    const header = streamHeader(Buffer.from(blob, 'hex'));
    const ad = streamAd(recordingScope(this.s.header.supervisorId, vaultId, version), header);
    try {
      writeFileAtomicWith(
        file,
        (write) => {
          write(header);
          let batch: Buffer[] = [];
          let n = 0;
          openStream(src, body, s, streamKey, sha256, (plain, i, last) => {
            const sealed = sealChunk(blobKey, ad, i, last, plain);
            batch.push(sealed);
            n += sealed.length;
            if (n >= 1024 * 1024 || last) {
              write(Buffer.concat(batch));
              batch = [];
              n = 0;
            }
          });
        },
        nodeFileOps,
        // The folder's sweep knows this name (a crash mid-import leaves only ciphertext in it).
        `${file}.partial`,
      );
    } finally {
      this.s.deps.crypto.wipe(streamKey);
    }
  }

  transcript(vaultId: string, id: string): SharedTranscript {
    const { payload } = this.load(vaultId);
    const t = payload.transcripts.find((x) => x.id === id);
    if (!t) throw new HvelvError('NOT_FOUND', 'no such transcript in the share');
    return {
      id: t.id,
      participant: t.participant,
      text: t.text,
      syncPoints: t.syncPoints,
      machineText: t.machineText ?? null,
      machineSpans: t.machineSpans ? t.machineSpans.spans.map((p) => ({ start: p.start, end: p.end })) : null,
      segments: payload.segments.filter((s) => s.transcriptId === id).sort((a, b) => a.start - b.start),
    };
  }

  /** Segments of a code (and its children) or of a theme's codes, with timestamp and context. */
  retrieve(vaultId: string, of: 'code' | 'theme', id: string, participant?: string): RetrievedSegment[] {
    const { payload } = this.load(vaultId);
    let codeIds: Set<string>;
    if (of === 'code') {
      if (!payload.codes.some((c) => c.id === id)) throw new HvelvError('NOT_FOUND', 'no such code in the share');
      codeIds = new Set([id]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const c of payload.codes) {
          if (c.parentId && codeIds.has(c.parentId) && !codeIds.has(c.id)) {
            codeIds.add(c.id);
            grew = true;
          }
        }
      }
    } else {
      const theme = payload.themes.find((t) => t.id === id);
      if (!theme) throw new HvelvError('NOT_FOUND', 'no such theme in the share');
      codeIds = new Set(theme.codeIds);
    }
    return retrievedSegments(payload, payload.segments.filter((s) => s.codeIds.some((c) => codeIds.has(c)) && (participant === undefined || s.participant === participant)));
  }

  /** The report, as the student's .docx has it (report.ts). */
  report(vaultId: string): ShareReport {
    const { entry, payload } = this.load(vaultId);
    return shareReport(entry.title, payload);
  }

  /** Norwegian-aware search over the shared transcripts and memos (the same folding as the student's). */
  search(vaultId: string, query: string): SearchResult {
    const { payload } = this.load(vaultId);
    const { terms, phrases } = parseQuery(query);
    const needles = [...phrases, ...terms];
    if (needles.length === 0) throw new HvelvError('INVALID_INPUT', 'nothing to search for');
    const docs: { kind: SearchHit['kind']; id: string; transcriptId: string | null; participant: string | null; text: string; stamps: { offset: number; ms: number }[] }[] = [
      ...payload.transcripts.map((t) => ({ kind: 'transcript' as const, id: t.id, transcriptId: t.id, participant: t.participant, text: t.text, stamps: t.syncPoints })),
      ...payload.memos.map((m) => ({ kind: 'memo' as const, id: m.id, transcriptId: m.target.kind === 'transcript' ? m.target.id : null, participant: m.participant, text: m.text, stamps: [] })),
    ];
    const hits: SearchHit[] = [];
    let total = 0;
    for (const d of docs) {
      const folded = foldForSearch(d.text);
      const found: number[][] = [];
      let all = true;
      for (const n of needles) {
        const at: number[] = [];
        for (let i = folded.text.indexOf(n); i >= 0; i = folded.text.indexOf(n, i + 1)) if (i === 0 || !/[\p{L}\p{N}]/u.test(folded.text[i - 1]!)) at.push(i);
        if (!at.length) {
          all = false;
          break;
        }
        for (const s of at) found.push([s, s + n.length]);
      }
      if (!all) continue;
      total += found.length;
      const pos = new TextPositions(d.text);
      for (const [s, e] of found.sort((a, b) => a[0]! - b[0]!).slice(0, Math.max(0, 200 - hits.length))) {
        const start = folded.origin[s!]!;
        const end = folded.origin[e! - 1]! + 1;
        const u0 = pos.toUtf16(start)!;
        const u1 = pos.toUtf16(end)!;
        const ctx = context(d.text, u0, u1, 60);
        hits.push({ kind: d.kind, id: d.id, transcriptId: d.transcriptId, participant: d.participant, start, end, before: ctx.before, match: d.text.slice(u0, u1), after: ctx.after, timestampMs: d.kind === 'transcript' ? stampAt(d.stamps, u0) : null });
      }
    }
    return { query, hits, total };
  }

  /* ---- comments --------------------------------------------------------------------- */

  comments(vaultId: string): FeedbackComment[] {
    const { entry, payload } = this.load(vaultId);
    const replies = new Map(payload.replies.map((r) => [r.commentId, r]));
    const fp = supervisorFingerprint(this.s.publicKeys);
    return this.readComments(vaultId, entry.version).map((c) => ({
      id: c.id,
      target: c.target,
      targetLabel: labelOf(payload, c.target),
      ...(c.target.kind === 'segment' ? { excerpt: payload.segments.find((s: Segment) => s.id === c.target.id)?.text ?? '' } : {}),
      text: c.text,
      fingerprint: fp,
      createdAt: c.createdAt,
      participant: c.target.kind === 'segment' ? segmentParticipant(payload, c.target.id) : null,
      flags: [],
      replies: replies.get(c.id)?.replies ?? [],
      resolved: replies.get(c.id)?.resolved ?? false,
      exportedAt: c.exportedAt,
    }));
  }

  addComment(vaultId: string, target: FeedbackTarget, text: string): FeedbackComment {
    const { entry, payload } = this.load(vaultId);
    if (!targetsOf(payload).has(`${target.kind}:${target.id}`)) throw new HvelvError('NOT_FOUND', `no ${target.kind} ${target.id} in the share`);
    // Windows line ends are line ends; any other control character is refused (issue 32).
    const body = text.replace(/\r\n?/g, '\n').trim();
    if (!body) throw new HvelvError('INVALID_INPUT', 'a comment needs some text');
    const bad = controlCharacterIn(body);
    if (bad) throw new HvelvError('TEXT_CONTROL_CHARACTERS', `the comment holds the control character ${bad}`);
    const c: StoredComment = { id: toHex(this.s.deps.crypto.random(16)), target, text: body.normalize('NFC'), createdAt: this.s.deps.now().toISOString(), exportedAt: null };
    this.writeComments(vaultId, entry.version, [...this.readComments(vaultId, entry.version), c]);
    return this.comments(vaultId).find((x) => x.id === c.id)!;
  }

  deleteComment(vaultId: string, id: string): void {
    const { entry } = this.load(vaultId);
    const all = this.readComments(vaultId, entry.version);
    if (!all.some((c) => c.id === id)) throw new HvelvError('NOT_FOUND', 'no such comment');
    this.writeComments(vaultId, entry.version, all.filter((c) => c.id !== id));
  }

  /** The feedback file: every comment, sealed with the share's feedback key, signed as the supervisor. */
  exportFeedback(vaultId: string): { bytes: Uint8Array; comments: number } {
    const { entry, payload } = this.load(vaultId);
    const all = this.readComments(vaultId, entry.version);
    // Comments written before control characters were refused are not sent on.
    for (const c of all) {
      const bad = controlCharacterIn(c.text);
      if (bad) throw new HvelvError('TEXT_CONTROL_CHARACTERS', `comment ${c.id} holds the control character ${bad}: delete it and write it again`);
    }
    const madeAt = this.s.deps.now().toISOString();
    const feedbackKey = fromB64(payload.feedbackKey, KEY_BYTES, 'feedback key');
    const bytes = sealFeedback(this.s.deps.crypto, (m) => this.s.sign(m), { vaultId, shareVersion: entry.version, supervisor: this.s.publicKeys.sign, madeAt, feedbackKey }, all.map(({ exportedAt: _e, ...c }) => c));
    this.writeComments(vaultId, entry.version, all.map((c) => ({ ...c, exportedAt: madeAt })));
    return { bytes, comments: all.length };
  }

  /** The certificate of deletion of a destroyed copy, signed by the supervisor. */
  certificate(vaultId: string): { certificate: ShareCertificate; signature: string } {
    const e = this.s.header.shares[vaultId];
    if (!e) throw new HvelvError('NOT_FOUND', 'no share from that vault');
    if (!e.destroyedAt) throw new HvelvError('INVALID_INPUT', `the copy is not deleted yet: access ends on ${e.until}`);
    const certificate: ShareCertificate = {
      vaultId,
      title: e.title,
      supervisorFingerprint: supervisorFingerprint(this.s.publicKeys),
      ownerFingerprint: ownerFingerprint(fromB64(e.owner, 32)),
      version: e.version,
      until: e.until as IsoDate,
      destroyedAt: e.destroyedAt,
      reason: 'end-date',
      counts: e.counts,
      participants: e.participants,
    };
    return { certificate, signature: toB64(this.s.sign(certificateMessage(certificate))) };
  }

  /* ---- internals -------------------------------------------------------------------- */

  private load(vaultId: string): { entry: HeldEntry; payload: HeldPayload } {
    const entry = this.s.header.shares[vaultId];
    if (!entry) throw new HvelvError('NOT_FOUND', 'no share from that vault');
    if (entry.destroyedAt || isExpired(entry.until, localIsoDate(supervisorNow(this.s.path, this.s.header.latestSeen, this.s.deps.now())))) {
      if (!entry.destroyedAt) this.settle();
      throw new HvelvError('SHARE_EXPIRED', `access ended on ${entry.until}; the copy is deleted`);
    }
    const plain = this.readSealed(vaultId, entry.version, 'content');
    try {
      return { entry, payload: JSON.parse(fromUtf8(plain)) as HeldPayload };
    } finally {
      this.s.deps.crypto.wipe(plain);
    }
  }

  private copyKey(vaultId: string, version: number): Uint8Array {
    const file = path.join(shareDir(this.s.path, vaultId), `copy-${version}.key`);
    let box: { nonce: string; ciphertext: string };
    try {
      box = z.strictObject({ nonce: z.string(), ciphertext: z.string() }).parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (err) {
      throw integrity(`the copy key of share ${vaultId} is missing or damaged`, err);
    }
    return this.s.unwrapCopyKey(vaultId, version, box);
  }

  private readSealed(vaultId: string, version: number, what: 'content' | 'comments'): Uint8Array {
    const key = this.copyKey(vaultId, version);
    try {
      const box = JSON.parse(fs.readFileSync(path.join(shareDir(this.s.path, vaultId), `${what === 'content' ? 'copy' : 'comments'}-${version}.sealed`), 'utf8')) as { nonce: string; ciphertext: string };
      const plain = this.s.deps.crypto.open(key, fromB64(box.nonce, XNONCE_BYTES), fromB64(box.ciphertext), copyAd(this.s.header.supervisorId, vaultId, version, what));
      if (!plain) throw integrity(`the ${what} of share ${vaultId} do not decrypt`);
      return plain;
    } catch (err) {
      if (err instanceof HvelvError) throw err;
      throw integrity(`the ${what} of share ${vaultId} are missing or damaged`, err);
    } finally {
      this.s.deps.crypto.wipe(key);
    }
  }

  private writeSealed(key: Uint8Array, vaultId: string, version: number, what: 'content' | 'comments', plain: Uint8Array): void {
    const { crypto } = this.s.deps;
    const nonce = crypto.random(XNONCE_BYTES);
    const ct = crypto.seal(key, nonce, plain, copyAd(this.s.header.supervisorId, vaultId, version, what));
    crypto.wipe(plain);
    writeFileAtomic(path.join(shareDir(this.s.path, vaultId), `${what === 'content' ? 'copy' : 'comments'}-${version}.sealed`), utf8(JSON.stringify({ nonce: toB64(nonce), ciphertext: toB64(ct) })));
  }

  private readComments(vaultId: string, version: number): StoredComment[] {
    const plain = this.readSealed(vaultId, version, 'comments');
    try {
      return JSON.parse(fromUtf8(plain)) as StoredComment[];
    } finally {
      this.s.deps.crypto.wipe(plain);
    }
  }

  private writeComments(vaultId: string, version: number, comments: StoredComment[]): void {
    const key = this.copyKey(vaultId, version);
    try {
      this.writeSealed(key, vaultId, version, 'comments', utf8(JSON.stringify(comments)));
    } finally {
      this.s.deps.crypto.wipe(key);
    }
  }
}

/** What the supervisor signs: the certificate as canonical JSON (sorted keys), so any program can check it. */
export const certificateMessage = (c: ShareCertificate): Uint8Array => encodeFields('hvelv/share-certificate', [1, canonicalJson(c)]);



/**
 * Each stream the signed body names must have its key and hash in the content, and the
 * other way round; a stream's participant must be one the share holds, never a withdrawn one.
 */
function matchStreams(participants: string[], withdrawn: string[], streams: StreamLayout[], payload: SharePayload): [StreamLayout, NonNullable<SharePayload['recordings']>[number]][] {
  const entries = new Map((payload.recordings ?? []).map((r) => [r.id, r]));
  if (entries.size !== (payload.recordings ?? []).length || entries.size !== streams.length) throw integrity('the share’s recordings do not match its content');
  const shared = new Set(participants);
  const gone = new Set(withdrawn);
  return streams.map((s) => {
    const e = entries.get(s.id);
    if (!e || e.participant !== s.participant || e.size !== s.size || !shared.has(s.participant) || gone.has(s.participant)) throw integrity('the share’s recordings do not match its content');
    return [s, e];
  });
}

function targetsOf(p: Pick<SharePayload, 'codes' | 'themes' | 'memos' | 'segments'>): Set<string> {
  return new Set([...p.codes.map((c) => `code:${c.id}`), ...p.themes.map((t) => `theme:${t.id}`), ...p.memos.map((m) => `memo:${m.id}`), ...p.segments.map((s) => `segment:${s.id}`)]);
}

function segmentParticipant(p: Pick<SharePayload, 'segments'>, id: string): string | null {
  return p.segments.find((s: Segment) => s.id === id)?.participant ?? null;
}

function labelOf(p: HeldPayload, t: FeedbackTarget): string {
  if (t.kind === 'code') return p.codes.find((c) => c.id === t.id)?.path.join(' / ') ?? '';
  if (t.kind === 'theme') return p.themes.find((x) => x.id === t.id)?.name ?? '';
  if (t.kind === 'memo') return p.memos.find((m) => m.id === t.id)?.createdAt.slice(0, 10) ?? '';
  return segmentParticipant(p, t.id) ?? '';
}

/* ---- destruction, with or without the passphrase --------------------------------------- */

interface Tombstone {
  vaultId: string;
  version: number;
  until: string;
  destroyedAt: string;
}

function readTombstone(dir: string, vaultId: string): Tombstone | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(shareDir(dir, vaultId), TOMBSTONE), 'utf8')) as Tombstone;
  } catch {
    return null;
  }
}

/**
 * When the daily job destroyed a copy, as its (unsigned) tombstone says, taken into the signed
 * header only where it can be true: not before the day access ended (the job destroys nothing
 * earlier) and not after this unlock. A tombstone edited to backdate the deletion cannot make
 * the certificate claim a time before the end date.
 */
function tombstoneTime(tomb: Tombstone, e: HeldEntry, now: Date): string {
  const claimed = Date.parse(tomb.destroyedAt);
  const earliest = new Date(`${e.until}T00:00:00`).getTime();
  const t = Number.isNaN(claimed) ? now.getTime() : Math.min(Math.max(claimed, earliest), now.getTime());
  return new Date(t).toISOString();
}

function removeVersionFiles(dir: string, version: number): void {
  // The key first: once it is gone, what is left of the others is ciphertext nobody can open.
  for (const f of [`copy-${version}.key`, `copy-${version}.sealed`, `comments-${version}.sealed`]) shredFile(path.join(dir, f));
  // Then the recordings held with that version (noise once the key is gone, overwritten all the same).
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) if (f.startsWith(`rec-${version}-`) && /^rec-\d+-[0-9a-f]{32}\.hvr(?:\.partial)?$/.test(f)) shredFile(path.join(dir, f));
}

/** Files of versions the header does not name (a crash between writing and the header): removed. */
function sweepStale(dir: string, shares: Record<string, HeldEntry>): void {
  const root = path.join(dir, SHARES_DIR);
  if (!fs.existsSync(root)) return;
  for (const vaultId of fs.readdirSync(root)) {
    const d = path.join(root, vaultId);
    const e = shares[vaultId];
    for (const f of fs.readdirSync(d)) {
      const m = /^(?:copy|comments)-(\d+)\.(?:key|sealed)$/.exec(f) ?? /^rec-(\d+)-[0-9a-f]{32}\.hvr(?:\.partial)?$/.exec(f);
      if (m && (!e || e.destroyedAt || Number(m[1]) !== e.version)) shredFile(path.join(d, f));
    }
  }
}

function destroyCopy(dir: string, vaultId: string, e: HeldEntry, now: Date): string {
  const d = shareDir(dir, vaultId);
  const at = now.toISOString();
  if (fs.existsSync(d)) {
    removeVersionFiles(d, e.version);
    const tomb: Tombstone = { vaultId, version: e.version, until: e.until, destroyedAt: at };
    writeFileAtomic(path.join(d, TOMBSTONE), utf8(`${JSON.stringify(tomb)}\n`));
  }
  return at;
}

export interface SupervisorEnforceResult {
  effectiveDate: IsoDate;
  destroyedNow: { vaultId: string; title: string; version: number; until: string }[];
  /** A preview (`--now` without `--yes`): what would be destroyed on that day; nothing was. */
  wouldDestroy?: { vaultId: string; title: string; version: number; until: string }[];
  open: { vaultId: string; title: string; until: string }[];
}

/**
 * The daily job on the supervisor's machine (`hvelv share enforce <dir>`): no passphrase.
 * The header's signature is checked with its own public key; every copy whose end date
 * has come is destroyed (copy key first). The latest time seen is kept in clock.json, so
 * setting the clock back afterwards does not make a passed date look ahead.
 */
export function enforceSupervisorFolder(dir: string, opts: { verifier: SignatureVerifier; now: Date; requestedNow?: Date; preview?: boolean }): SupervisorEnforceResult {
  const h = readSupervisorHeader(dir, opts.verifier);
  const lock = acquireLock(dir, 'supervisor-enforce');
  try {
    const seen = supervisorNow(dir, h.latestSeen, opts.now);
    // On a full disk the clock waits until the deletion below has made room (issue 32): the
    // daily job frees space and must never need it first.
    const recordClock = () => writeFileAtomic(path.join(dir, CLOCK_FILE), utf8(`${JSON.stringify({ latestSeen: seen.toISOString() })}\n`));
    let clockRecorded = false;
    try {
      recordClock();
      clockRecorded = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOSPC' && code !== 'EDQUOT') throw err;
    }
    const eff = opts.requestedNow && opts.requestedNow > seen ? opts.requestedNow : seen;
    const today = localIsoDate(eff);
    const result: SupervisorEnforceResult = { effectiveDate: today, destroyedNow: [], open: [], ...(opts.preview ? { wouldDestroy: [] } : {}) };
    // Files of versions the header does not name (an import that failed after writing them,
    // a process killed mid-import) go first: at their end date nothing else would find them.
    if (!opts.preview) sweepStale(dir, h.shares);
    for (const [vaultId, e] of Object.entries(h.shares)) {
      if (e.destroyedAt) continue;
      if (!isExpired(e.until, today)) {
        result.open.push({ vaultId, title: e.title, until: e.until });
        continue;
      }
      // The tombstone is unsigned: anyone who can write the folder can put one there, and a
      // stale one can be left from an older version. It never spares a copy: the files of the
      // version the header names are removed whenever its end date has come (removing what is
      // gone already is harmless); only a tombstone of this very version keeps its time.
      const tomb = readTombstone(dir, vaultId);
      const done = tomb !== null && tomb.version === e.version && tomb.vaultId === vaultId;
      if (opts.preview) {
        if (!done) result.wouldDestroy!.push({ vaultId, title: e.title, version: e.version, until: e.until });
      } else if (done) removeVersionFiles(shareDir(dir, vaultId), e.version);
      else {
        destroyCopy(dir, vaultId, e, eff);
        result.destroyedNow.push({ vaultId, title: e.title, version: e.version, until: e.until });
      }
    }
    if (!clockRecorded) recordClock();
    return result;
  } finally {
    lock.release();
  }
}
