/**
 * Transcripts in the transcripts store: imported from a file or written in Hvelv,
 * edited, marked complete, exported. Sync points (offset ↔ ms) are stored with the
 * text so analysis and REFI-QDA export can use them later.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeidReport, TranscriptDetail, TranscriptSummary } from '../../../shared/contract';
import { DEID_KINDS, PLACEHOLDER } from '../../../shared/domain';
import { LOCALES, translate } from '../../../shared/i18n/catalogue';
import { assertConsent } from '../consent/gate';
import { T, type Identity } from '../consent/model';
import { applyReplacements, findIdentifiers, knownDetails, removalSpans, type KnownDetails, type Replacement } from './deidentify';
import { HvelvError } from '../errors';
import { atomicTempPath, nodeFileOps, writeFileAtomic } from '../vault/atomic-file';
import { beginExport } from './export-journal';
import type { VaultSession } from '../vault/vault';
import { Recordings } from './recordings';
import { formatFromName, parseTranscript, syncPoints, textToDocx, TRANSCRIPT_MAX_BYTES, type SyncPoint, type TranscriptFormat } from './transcript-formats';

export const TRANSCRIPT_TABLE = 'transcript';

const lower = (s: string): string => s.toLocaleLowerCase('nb');
/** Hvelv's own placeholders, in every language: the only labels a removal may write. */
const STANDARD_PLACEHOLDERS = new Set(LOCALES.flatMap((l) => DEID_KINDS.map((k) => translate(l, `deid.placeholder.${k}`))));

export interface TranscriptRecord {
  text: string;
  syncPoints: SyncPoint[];
  sourceFormat: TranscriptFormat | 'hvelv';
  complete: boolean;
  recordingId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Terms the user marked as not identifying (absent in transcripts from before the check existed). */
  kept?: string[];
}

export class Transcripts {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  list(): TranscriptSummary[] {
    const known = this.known();
    return this.store.list<TranscriptRecord>(TRANSCRIPT_TABLE).map((r) => summary(r.id, r.participant!, r.data, known));
  }

  get(id: string): TranscriptDetail {
    const r = this.record(id);
    return detail(id, r.participant, r.data, this.known());
  }

  /**
   * Possible identifying details in a transcript: what the key list knows (while it
   * exists) and patterns. Read in memory only; nothing is stored or logged but the
   * fact of the check.
   */
  check(id: string): DeidReport {
    const r = this.record(id);
    const known = this.known();
    const keyListUsed = known.names.length + known.emails.length + known.phones.length + known.workplaces.length > 0;
    const findings = findIdentifiers(r.data.text, known, r.data.kept);
    this.session.audit.append('transcript.checked', { participant: r.participant, details: { transcript: id, found: findings.length } });
    return { findings, keyListUsed, kept: r.data.kept ?? [] };
  }

  /**
   * Replace the details the user chose (each checked against the text it replaces, so
   * a stale view cannot change the wrong words) and remember the terms they marked as
   * not identifying. The audit records counts, never the words.
   */
  deidentify(id: string, replace: readonly Replacement[], kept: readonly string[]): TranscriptDetail {
    const r = this.record(id);
    // Placeholders only, each over words that are there: a replacement takes words out.
    for (const x of replace) {
      if (!PLACEHOLDER.test(x.with)) throw new HvelvError('INVALID_INPUT', 'a replacement must be a placeholder in brackets, such as [navn]');
      if (x.end <= x.start || x.expected.length === 0) throw new HvelvError('INVALID_INPUT', 'a replacement must replace some words');
    }
    const text = applyReplacements(r.data.text, replace);
    if (text === null) throw new HvelvError('INVALID_INPUT', 'the transcript changed since it was checked: check it again');
    // Only words that are found in the transcript (or were kept before) can be kept: the
    // list is not a place to write anything else.
    // The key list is decrypted once for the whole call.
    const known = this.known();
    const keepable = new Set([...(r.data.kept ?? []), ...findIdentifiers(r.data.text, known).map((f) => f.text)].map(lower));
    const nextKept = [...new Set(kept.map((k) => k.trim()).filter(Boolean))];
    if (nextKept.some((k) => !keepable.has(lower(k)))) throw new HvelvError('INVALID_INPUT', 'only words found in the transcript can be marked as not identifying');
    const next: TranscriptRecord = { ...r.data, text, syncPoints: syncPoints(text), kept: nextKept, updatedAt: this.now().toISOString() };
    // Hvelv's own placeholders over whole words that are not placeholders already only
    // take personal data out, so that is allowed even when nothing new may be written
    // (after project end). Anything else, a label of the user's own ("[kollega]") say,
    // is an edit like any other: it needs consent, and is refused after the end.
    const isRemoval = removalSpans(r.data.text, STANDARD_PLACEHOLDERS);
    const removal = replace.every((x) => STANDARD_PLACEHOLDERS.has(x.with) && isRemoval(x.start, x.end));
    this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next }, { removal });
    this.session.audit.append('transcript.deidentified', { participant: r.participant, details: { transcript: id, replaced: replace.length, kept: nextKept.length } });
    return detail(id, r.participant, next, known);
  }

  /** What the key list knows, for finding it in transcripts; nothing once the key list is gone. */
  private known(): KnownDetails {
    return knownDetails(this.session.stores.keylist.list<Identity>(T.identity).map((r) => r.data));
  }

  /** Import a transcript file for a participant; the whole file is parsed before anything is stored. */
  import(code: string, file: string, opts: { recordingId?: string | null } = {}): TranscriptDetail {
    assertConsent(this.session.stores.keylist, code, 'transcript');
    const format = formatFromName(file);
    let bytes: Buffer;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw new HvelvError('FILE_UNREADABLE', `${path.basename(file)} is not a file`);
      if (st.size > TRANSCRIPT_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', `${path.basename(file)} is larger than 20 MB`);
      bytes = fs.readFileSync(file);
    } catch (err) {
      if (err instanceof HvelvError) throw err;
      throw new HvelvError('FILE_UNREADABLE', `cannot read ${path.basename(file)}`, { cause: err });
    }
    const text = parseTranscript(bytes, format);
    return this.create(code, text, format, opts.recordingId ?? this.soleRecording(code));
  }

  /** A new transcript written in Hvelv (e.g. while listening), starting from `text`. */
  create(code: string, text: string, sourceFormat: TranscriptRecord['sourceFormat'] = 'hvelv', recordingId: string | null = null): TranscriptDetail {
    if (recordingId) this.assertRecordingOf(code, recordingId);
    // One form of each letter (å, not a + ring), so what is looked for is found.
    text = text.normalize('NFC');
    const at = this.now().toISOString();
    const rec: TranscriptRecord = { text, syncPoints: syncPoints(text), sourceFormat, complete: false, recordingId, createdAt: at, updatedAt: at };
    const stored = this.store.put(TRANSCRIPT_TABLE, { participant: code, data: rec });
    this.session.audit.append('transcript.added', { participant: code, details: { transcript: stored.id, format: sourceFormat, chars: text.length } });
    return this.get(stored.id);
  }

  update(id: string, change: { text?: string; complete?: boolean; recordingId?: string | null }): TranscriptDetail {
    const r = this.record(id);
    if (change.recordingId) this.assertRecordingOf(r.participant, change.recordingId);
    const text = change.text?.normalize('NFC') ?? r.data.text;
    const next: TranscriptRecord = {
      ...r.data,
      text,
      syncPoints: syncPoints(text),
      complete: change.complete ?? r.data.complete,
      recordingId: change.recordingId === undefined ? r.data.recordingId : change.recordingId,
      updatedAt: this.now().toISOString(),
    };
    this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next });
    const what = [change.text !== undefined && change.text !== r.data.text ? 'text' : '', change.complete !== undefined && change.complete !== r.data.complete ? (change.complete ? 'completed' : 'reopened') : '']
      .filter(Boolean)
      .join(',');
    if (what) this.session.audit.append('transcript.edited', { participant: r.participant, details: { transcript: id, change: what } });
    return this.get(id);
  }

  /** Write the transcript as .txt (UTF-8) or .docx to a file the user chose. */
  export(id: string, out: string, format: 'txt' | 'docx'): void {
    const r = this.record(id);
    const bytes = format === 'txt' ? new TextEncoder().encode(r.data.text) : textToDocx(r.data.text);
    const tmp = atomicTempPath(out);
    const note = beginExport(this.session, tmp, this.now);
    try {
      writeFileAtomic(out, bytes, nodeFileOps, tmp);
    } finally {
      note.end();
    }
    this.session.audit.append('transcript.exported', { participant: r.participant, details: { transcript: id, format } });
  }

  delete(id: string): void {
    const r = this.record(id);
    this.store.delete(TRANSCRIPT_TABLE, id);
    this.session.audit.append('transcript.deleted', { participant: r.participant, details: { transcript: id } });
  }

  private record(id: string): { participant: string; data: TranscriptRecord } {
    const r = this.store.get<TranscriptRecord>(TRANSCRIPT_TABLE, id);
    if (!r || !r.participant) throw new HvelvError('NOT_FOUND', `no transcript ${id}`);
    return { participant: r.participant, data: r.data };
  }

  private soleRecording(code: string): string | null {
    const mine = new Recordings(this.session, this.now).list().filter((r) => r.code === code);
    return mine.length === 1 ? mine[0]!.id : null;
  }

  private assertRecordingOf(code: string, recordingId: string): void {
    const rec = new Recordings(this.session, this.now).get(recordingId);
    if (rec.code !== code) throw new HvelvError('INVALID_INPUT', 'that recording belongs to another participant');
  }
}

function detail(id: string, code: string, r: TranscriptRecord, known: KnownDetails): TranscriptDetail {
  return { ...summary(id, code, r, known), text: r.text, syncPoints: r.syncPoints };
}

function summary(id: string, code: string, r: TranscriptRecord, known: KnownDetails): TranscriptSummary {
  return {
    id,
    code,
    recordingId: r.recordingId,
    complete: r.complete,
    chars: r.text.length,
    syncPointCount: r.syncPoints.length,
    reachesMs: r.syncPoints.reduce<number | null>((max, p) => (max === null || p.ms > max ? p.ms : max), null),
    sourceFormat: r.sourceFormat,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    identifiers: findIdentifiers(r.text, known, r.kept).length,
  };
}
