/**
 * Transcripts in the transcripts store: imported from a file or written in Hvelv,
 * edited, marked complete, exported. Sync points (offset ↔ ms) are stored with the
 * text so analysis and REFI-QDA export can use them later.
 */
import { createHash } from 'node:crypto';
import type { DeidFinding, DeidReport, TranscriptDetail, TranscriptImport, TranscriptSummary } from '../../../../shared/contract';
import { LABELLED_KINDS, PLACEHOLDER, type DeidKind } from '../../../../shared/domain';
import { SPEAKER_LABEL, type AsrLanguage } from '../../../../shared/asr';
import { LOCALES, translate } from '../../../../shared/i18n/catalogue';
import { assertConsent } from '../../consent/gate';
import { T, type Identity } from '../../consent/model';
import { applyReplacements, findIdentifiers, knownDetails, removalSpans, type KnownDetails, type Replacement } from '../deidentify/deidentify';
import { INVISIBLE } from '../deidentify/normalise';
import { HvelvError } from '../../errors';
import { atomicTempPath, nodeFileOps, writeFileAtomic } from '../../vault/atomic-file';
import { beginExport } from '../project/export-journal';
import type { VaultSession } from '../../vault/vault';
import { Recordings } from '../recordings/recordings';
import { remapAfterEdit, removeTranscriptAnalysis } from '../analysis/coding';
import { analysisCache } from '../analysis/records';
import { advanceToday, reachedMs, wordCount, type TodayProgress } from '../../../../shared/transcription';
import { localIsoDate } from '../../../../shared/domain';
import { readUserFile } from '../project/user-file';
import type { ExchangeFinding } from '../../../../shared/exchange';
import { requireAccepted, toExchangeFindings } from '../exchange/findings';
import { formatFromName, parseTranscriptOffThread, syncPoints, textToDocx, TRANSCRIPT_MAX_BYTES } from './formats';
import { afterEdit, afterHeard, afterReplacement, machineCount, machineOf, machineOfDraft, uncheckedPassages } from './machine-text';
import { hasUncheckedMachineText, type MachineTextCount } from '../../../../shared/machine-text';
import { DEID_CHOICES_TABLE, DEID_PENDING_TABLE, TRANSCRIPT_TABLE, type PendingRecord, type PendingReplacement, type Span, type TranscriptRecord } from './records';
export { DEID_CHOICES_TABLE, TRANSCRIPT_TABLE, type TranscriptRecord };

const lower = (s: string): string => s.toLocaleLowerCase('nb');
/** Hvelv's own placeholders, in every language: the only labels a removal may write. */
const STANDARD_PLACEHOLDERS = new Set(LOCALES.flatMap((l) => LABELLED_KINDS.map((k) => translate(l, `deid.placeholder.${k as Exclude<DeidKind, 'invisible'>}`))));


/** The default speakers: the interviewer and "B" (never a participant's name). */
export const DEFAULT_SPEAKERS = ['I', 'B'] as const;
export const MARKER_TABLE = 'transcription_markers';
const MARKERS_ID = '00000000000000000000000000000001';
const EDIT_AUDIT_EVERY_MS = 15 * 60 * 1000;
/** advanceToday reads `before` only on a new day. */
const SAME_DAY = { words: 0, reachedMs: 0 } as const;


interface DeidChoices {
  notIdentifying: string[];
  /**
   * Of those, the terms judged where the key list found them. A term judged only where
   * the word lists found it ("Lund", a town) does not hide the key list's finding of the
   * same word (a participant named Lund, added later). Absent in records made before:
   * then no term hides a key-list finding, the safe way round.
   */
  keyList?: string[];
}

/** The project's choices, as findIdentifiers takes them. */
interface Kept {
  terms: readonly string[];
  keyList: readonly string[];
}

/** An imported transcript and what of its file did not arrive as it was: in the contract, which the app shows. */
export type { TranscriptImport } from '../../../../shared/contract';

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
    const kept = this.choices();
    return this.store.list<TranscriptRecord>(TRANSCRIPT_TABLE).map((r) => {
      const data = this.remember(r.id, r.participant!, r.data, known, kept);
      return summary(r.id, r.participant!, data, known, kept);
    });
  }

  get(id: string): TranscriptDetail {
    const r = this.dropHistoryAfterEnd(id, this.record(id));
    const known = this.known();
    const kept = this.choices();
    return detail(id, r.participant, this.remember(id, r.participant, r.data, known, kept), known, kept, this.pending(id, r.data));
  }

  /** The replacements not yet accepted: in the key list (older vaults: in the transcript); none once the key list is gone. */
  private pending(id: string, data: TranscriptRecord): PendingReplacement[] {
    const keylist = this.session.stores.keylist;
    if (keylist.destroyed) return [];
    return keylist.get<PendingRecord>(DEID_PENDING_TABLE, id)?.data.replacements ?? data.pendingReplacements ?? [];
  }

  /** Keep (or, when none are left, delete) the replacements not yet accepted, in the key list. */
  private savePending(id: string, code: string, list: readonly PendingReplacement[]): void {
    const keylist = this.session.stores.keylist;
    if (list.length > 0) keylist.put(DEID_PENDING_TABLE, { id, participant: code, data: { replacements: [...list] } satisfies PendingRecord });
    else if (keylist.get(DEID_PENDING_TABLE, id)) keylist.delete(DEID_PENDING_TABLE, id);
  }

  /**
   * Possible identifying details in a transcript: what the key list knows (while it
   * exists; after, what it found the last time), names, places, workplaces and narrowing
   * facts from the word lists, and patterns. Read in memory only; nothing is logged but
   * the fact of the check.
   */
  check(id: string): DeidReport {
    const r = this.record(id);
    const known = this.known();
    const kept = this.choices();
    const data = this.remember(id, r.participant, r.data, known, kept);
    const findings = findingsOf(data, known, kept);
    this.session.audit.append('transcript.checked', { participant: r.participant, details: { transcript: id, found: findings.length } });
    const last = data.lastWithKeyList;
    return { findings, keyListUsed: hasKeyList(known), kept: [...kept.terms], lastWithKeyList: last ? { at: last.at, unresolved: last.unresolved } : null };
  }

  /**
   * The terms marked as not identifying, for the whole project ("Stavanger" is judged
   * once). For the analysis (memos, code names) as much as for transcripts.
   */
  notIdentifying(): string[] {
    return [...this.choices().terms];
  }

  /** The terms, and those of them judged where the key list found them (DeidChoices). */
  choices(): Kept {
    const rec = this.store.list<DeidChoices>(DEID_CHOICES_TABLE)[0];
    if (rec) return { terms: rec.data.notIdentifying, keyList: rec.data.keyList ?? [] };
    // Before the choices were the project's, each transcript kept its own: all of them count.
    // Read through the session's cache (decrypted once per version): decrypting every
    // transcript here made opening one interview of a 200-interview project take 0.5 s.
    return { terms: [...new Set([...analysisCache(this.session).rows<TranscriptRecord>(TRANSCRIPT_TABLE).values()].flatMap((r) => r.data.kept ?? []))], keyList: [] };
  }

  /**
   * Withdrawal: the project's choices forget every term that names the participant (their
   * name or a part of it, e-mail, phone, workplace), before the key list that says so is
   * destroyed. Such a term is about them, and goes with everything else about them; if the
   * word turns up again, the check lists it again.
   */
  forgetChoicesAbout(identity: Identity): void {
    const rec = this.store.list<DeidChoices>(DEID_CHOICES_TABLE)[0];
    if (!rec) return;
    const theirs = knownDetails([identity]);
    const about = (term: string): boolean => findIdentifiers(term, theirs).some((f) => f.source === 'keylist');
    const terms = rec.data.notIdentifying.filter((t) => !about(t));
    const keyList = (rec.data.keyList ?? []).filter((t) => !about(t));
    if (terms.length === rec.data.notIdentifying.length && keyList.length === (rec.data.keyList ?? []).length) return;
    this.saveChoices(terms, keyList);
  }

  /**
   * Replace the details the user chose (each checked against the text it replaces, so
   * a stale view cannot change the wrong words) and remember the terms they marked as
   * not identifying, for the project. The audit records counts, never the words.
   * Invisible characters are taken out (replaced by nothing), never anything else.
   */
  deidentify(id: string, replace: readonly Replacement[], kept: readonly string[]): TranscriptDetail {
    const r = this.record(id);
    // Placeholders only, each over words that are there: a replacement takes words out.
    for (const x of replace) {
      if (x.with === '') {
        if (x.expected.length === 0 || ![...x.expected].every((c) => INVISIBLE.test(c))) throw new HvelvError('INVALID_INPUT', 'only invisible characters can be removed without a placeholder');
      } else if (!PLACEHOLDER.test(x.with)) throw new HvelvError('INVALID_INPUT', 'a replacement must be a placeholder in brackets, such as [navn]');
      if (x.end <= x.start || x.expected.length === 0) throw new HvelvError('INVALID_INPUT', 'a replacement must replace some words');
    }
    const text = applyReplacements(r.data.text, replace);
    if (text === null) throw new HvelvError('INVALID_INPUT', 'the transcript changed since it was checked: check it again');
    // Only words that are found in the transcript (or were kept before) can be kept: the
    // list is not a place to write anything else.
    // The key list is decrypted once for the whole call.
    const known = this.known();
    const beforeChoices = this.choices();
    const before = [...beforeChoices.terms];
    const here = findingsOf(r.data, known, { terms: [], keyList: [] });
    const keepable = new Set([...before, ...here.map((f) => f.text)].map(lower));
    const nextKept = [...new Set(kept.map((k) => k.trim()).filter(Boolean))];
    if (nextKept.some((k) => !keepable.has(lower(k)))) throw new HvelvError('INVALID_INPUT', 'only words found in the transcript can be marked as not identifying');
    // Judged where the key list found it here, or so judged before.
    const keyListHere = new Set(here.filter((f) => f.source === 'keylist').map((f) => lower(f.text)));
    const keyListBefore = new Set(beforeChoices.keyList.map(lower));
    const nextKeyList = nextKept.filter((k) => keyListHere.has(lower(k)) || keyListBefore.has(lower(k)));
    const { kept: _legacy, ...rest } = r.data;
    const last = r.data.lastWithKeyList;
    const at = this.now().toISOString();
    // The replacement stays in the history, undoable, until the student accepts it; only
    // while consent allows writing (it holds the words replaced: never after the end).
    const placed = replace.filter((x) => x.with !== '');
    const before_ = this.pending(id, r.data);
    const pending = placed.length > 0 && this.mayKeepHistory(r.participant) ? [...before_, pendingOf(r.data.text, text, replace, at)] : before_;
    // The history lives in the key list; a transcript of an older version gives its copy up.
    const { pendingReplacements: _moved, ...kept_ } = rest;
    const next: TranscriptRecord = {
      ...kept_,
      text,
      syncPoints: syncPoints(text),
      ...draftField(afterReplacement(r.data, text)),
      updatedAt: at,
      // After the end the key list cannot say again what it found: the remembered spans move with the text.
      ...(last ? { lastWithKeyList: { ...last, keyList: shiftSpans(last.keyList, replace) } } : {}),
    };
    // Hvelv's own placeholders over whole words that are not placeholders already only
    // take personal data out, so that is allowed even when nothing new may be written
    // (after project end); so is taking invisible characters out. Anything else, a label
    // of the user's own ("[kollega]") say, is an edit like any other: it needs consent,
    // and is refused after the end.
    const isRemoval = removalSpans(r.data.text, STANDARD_PLACEHOLDERS);
    const removal = replace.every((x) => x.with === '' || (STANDARD_PLACEHOLDERS.has(x.with) && isRemoval(x.start, x.end)));
    // The text and its coded segments change together: segments move onto the
    // placeholders that replaced their words (never orphaned by a replacement).
    // Two stores, two files: the history first (a crash after it leaves an entry whose
    // text no longer matches, which cannot be undone and is accepted away), then the text.
    const historyChanged = pending !== before_ || _moved !== undefined;
    if (historyChanged && !this.session.stores.keylist.destroyed) this.savePending(id, r.participant, pending);
    try {
      this.store.atomically(() => {
        if (replace.length > 0 || _legacy !== undefined || _moved !== undefined) this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next }, { removal });
        remapAfterEdit(this.session, id, r.data.text, text, { at: next.updatedAt, removal, replacements: replace });
      });
    } catch (err) {
      // The text was not changed: neither is its history.
      if (historyChanged && !this.session.stores.keylist.destroyed) this.savePending(id, r.participant, before_);
      throw err;
    }
    if (!sameTerms(before, nextKept) || !sameTerms(beforeChoices.keyList, nextKeyList)) this.saveChoices(nextKept, nextKeyList);
    this.session.audit.append('transcript.deidentified', { participant: r.participant, details: { transcript: id, replaced: replace.length, kept: nextKept.length } });
    return this.get(id);
  }

  /**
   * Undo the last replacement not yet accepted: the exact text before it comes back, and
   * the coded passages move back with it (an edit back, remapped as replacements are).
   * Refused when the text was edited since, as any stale change is.
   */
  undoReplacement(id: string): TranscriptDetail {
    const r = this.record(id);
    const pending = this.pending(id, r.data);
    const lastOne = pending.at(-1);
    if (!lastOne) throw new HvelvError('INVALID_INPUT', 'there is no replacement to undo');
    if (sha256(r.data.text) !== lastOne.after) throw new HvelvError('INVALID_INPUT', 'the transcript changed since the replacement: it can no longer be undone');
    const back: Replacement[] = lastOne.items.map((x) => ({ start: x.start, end: x.end, expected: x.with, with: x.was }));
    const text = applyReplacements(r.data.text, back);
    if (text === null) throw new HvelvError('INVALID_INPUT', 'the transcript changed since the replacement: it can no longer be undone');
    const at = this.now().toISOString();
    const rest = pending.slice(0, -1);
    const { pendingReplacements: _drop, ...data } = r.data;
    const last = data.lastWithKeyList;
    const next: TranscriptRecord = {
      ...data,
      text,
      syncPoints: syncPoints(text),
      ...draftField(afterReplacement(r.data, text)),
      updatedAt: at,
      ...(last ? { lastWithKeyList: { ...last, keyList: shiftSpans(last.keyList, back) } } : {}),
    };
    // Writing the words back is processing like any edit: it needs consent (the store's guard).
    this.store.atomically(() => {
      this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next });
      remapAfterEdit(this.session, id, r.data.text, text, { at, replacements: back });
    });
    // The text is back; the entry it came from goes (a crash before this leaves an entry
    // whose text no longer matches: it cannot be undone twice).
    this.savePending(id, r.participant, rest);
    this.session.audit.append('transcript.deidentify-undone', { participant: r.participant, details: { transcript: id, restored: back.length } });
    return this.get(id);
  }

  /** The student accepts the replacements: they leave the history, with the words they took out. */
  acceptReplacements(id: string): TranscriptDetail {
    const r = this.record(id);
    const accepted = this.pending(id, r.data);
    if (accepted.length === 0) return this.get(id);
    this.savePending(id, r.participant, []);
    if (r.data.pendingReplacements) {
      const { pendingReplacements: _legacy, ...data } = r.data;
      this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data }, { removal: true });
    }
    this.session.audit.append('transcript.deidentify-accepted', { participant: r.participant, details: { transcript: id, replacements: accepted.length } });
    return this.get(id);
  }

  /**
   * Once the key list is gone nothing can be undone (writing words back needs consent), and
   * the words replacements took out must not outlive it. Kept in the key list they went
   * with it; an older version's copy in the transcript goes now, as a removal.
   */
  private dropHistoryAfterEnd(id: string, r: { participant: string; data: TranscriptRecord }): { participant: string; data: TranscriptRecord } {
    if (!r.data.pendingReplacements || !this.session.stores.keylist.destroyed) return r;
    const { pendingReplacements: _gone, ...data } = r.data;
    try {
      this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data }, { removal: true });
    } catch (err) {
      // A session that may not write still does not show them.
      if (!(err instanceof HvelvError)) throw err;
    }
    return { participant: r.participant, data };
  }

  /** Whether a replacement may be kept undoable: only while the participant's consent allows writing. */
  private mayKeepHistory(code: string): boolean {
    try {
      assertConsent(this.session.stores.keylist, code, 'transcript');
      return true;
    } catch (err) {
      if (err instanceof HvelvError) return false;
      throw err;
    }
  }

  private saveChoices(terms: string[], keyList: string[]): void {
    const rec = this.store.list<DeidChoices>(DEID_CHOICES_TABLE)[0];
    this.store.put(DEID_CHOICES_TABLE, { ...(rec ? { id: rec.id } : {}), participant: null, data: { notIdentifying: terms, keyList } satisfies DeidChoices });
  }

  /**
   * While the key list is there, note on the transcript what the check finds with it
   * (written only when that changed), so that once it is deleted the key list's findings
   * are still known and "had N unresolved" can be said. Without the key list: as stored.
   */
  private remember(id: string, participant: string, data: TranscriptRecord, known: KnownDetails, kept: Kept): TranscriptRecord {
    if (!hasKeyList(known)) return data;
    const findings = findOnce(data.text, known, kept);
    const keyList = findings.filter((f) => f.source === 'keylist').map(({ start, end, kind, text }) => ({ start, end, kind, text }));
    const prev = data.lastWithKeyList;
    if (prev && prev.unresolved === findings.length && JSON.stringify(prev.keyList) === JSON.stringify(keyList)) return data;
    const next: TranscriptRecord = { ...data, lastWithKeyList: { at: this.now().toISOString(), unresolved: findings.length, keyList } };
    try {
      this.store.put(TRANSCRIPT_TABLE, { id, participant, data: next });
    } catch (err) {
      // A session that may not write (or a participant whose consent no longer allows
      // it) leaves the note as it was; the check itself is unaffected.
      if (err instanceof HvelvError) return data;
      throw err;
    }
    return next;
  }

  /**
   * A speaker label is written at every turn: one that is a name from the key list (a
   * participant's first name, surname or whole name) would put that name into the
   * transcript dozens of times, past the code that is meant to stand for it.
   */
  private assertNoRealName(labels: readonly string[]): void {
    const keylist = this.session.stores.keylist;
    if (keylist.destroyed) return;
    const fold = (s: string) => s.normalize('NFC').toLocaleLowerCase('nb');
    const names = new Set<string>();
    for (const r of keylist.list<Identity>(T.identity)) {
      const name = fold(r.data.name ?? '').trim();
      if (!name) continue;
      names.add(name);
      for (const w of name.split(/[\s-]+/)) if (w.length >= 2) names.add(w);
    }
    // The label whole, and each of its words ("Kari N.", "K. Nordmann", "Kari_Nordmann").
    const hit = labels.find((l) => names.has(fold(l).trim()) || fold(l).split(/[\s\p{P}]+/u).some((w) => w.length >= 2 && names.has(w)));
    if (hit) throw new HvelvError('SPEAKER_IS_NAME', 'a speaker label is a name from the key list; use the code or a pseudonym');
  }

  /** What the key list knows, for finding it in transcripts; nothing once the key list is gone. */
  private known(): KnownDetails {
    const keylist = this.session.stores.keylist;
    if (keylist.destroyed) return knownDetails([]);
    // The same object while the key list's identities are unchanged (their versions are
    // read without decrypting anything), so the check of an unchanged text is not run
    // again on every open: it was most of opening a 60 000-character interview.
    const stamp = [...keylist.versions(T.identity)].map(([id, v]) => `${id}:${v}`).join(',');
    const cached = knownBySession.get(this.session);
    if (cached && cached.stamp === stamp) return cached.known;
    const known = knownDetails(keylist.list<Identity>(T.identity).map((r) => r.data));
    if (!cached) this.session.onLock(() => knownBySession.delete(this.session));
    knownBySession.set(this.session, { stamp, known });
    return known;
  }

  /**
   * Import a transcript file for a participant; the whole file is parsed (a .docx in a
   * worker thread) before anything is stored.
   */
  async import(code: string, file: string, opts: { recordingId?: string | null } = {}): Promise<TranscriptImport> {
    assertConsent(this.session.stores.keylist, code, 'transcript');
    const format = formatFromName(file);
    const bytes = readUserFile(file, TRANSCRIPT_MAX_BYTES);
    const { text, untimedCues, leftOut } = await parseTranscriptOffThread(bytes, format);
    return { ...this.create(code, text, format, opts.recordingId ?? this.soleRecording(code)), untimedCues, ...(leftOut ? { leftOut } : {}) };
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

  /** An automatic draft for a recording (services/asr/draft.ts), marked as such until checked. */
  createDraft(code: string, text: string, recordingId: string, draft: { model: string; language: AsrLanguage }, speakers?: string[]): TranscriptDetail {
    this.assertRecordingOf(code, recordingId);
    text = text.normalize('NFC');
    const at = this.now().toISOString();
    const rec: TranscriptRecord = { text, syncPoints: syncPoints(text), sourceFormat: 'asr', complete: false, recordingId, createdAt: at, updatedAt: at, draft: { ...draft, checkedAt: null, machine: machineOfDraft(text) }, ...(speakers?.length ? { speakers: speakers.slice(0, 8) } : {}) };
    const stored = this.store.put(TRANSCRIPT_TABLE, { participant: code, data: rec });
    // Counts and the model's file name; never words.
    this.session.audit.append('transcript.drafted', { participant: code, details: { transcript: stored.id, recording: recordingId, model: draft.model, language: draft.language, chars: text.length } });
    return this.get(stored.id);
  }

  /**
   * Name the voices of an automatic draft once: each label the diarization gave (S1, S2,
   * …) becomes the name the student chose ("I" for the interviewer, the participant's
   * code, others as they like) at every turn of the whole text, and in its speakers list.
   * A name from the key list is refused, as for every speaker label.
   */
  nameSpeakers(id: string, names: Readonly<Record<string, string>>): TranscriptDetail {
    const r = this.record(id);
    if (!r.data.draft) throw new HvelvError('INVALID_INPUT', 'only an automatic draft has voices to name');
    const labels = (r.data.speakers ?? []).filter((l) => SPEAKER_LABEL.test(l));
    const chosen = new Map<string, string>();
    for (const [label, name] of Object.entries(names)) {
      const n = name.normalize('NFC').trim();
      if (!labels.includes(label)) throw new HvelvError('INVALID_INPUT', `the draft has no voice ${label}`);
      // No line breaks of any kind, nor invisible or direction-changing characters: the name goes into every turn.
      if (!n || n.length > 24 || /[#:\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(n)) throw new HvelvError('INVALID_INPUT', 'a speaker name is 1 to 24 characters, without #, : or line breaks');
      chosen.set(label, n);
    }
    this.assertNoRealName([...chosen.values()]);
    const text = r.data.text
      .split('\n')
      .map((line) => line.replace(/^(#\d\d:\d\d:\d\d-\d# )(S\d{1,2}): /, (all, stamp: string, label: string) => (chosen.has(label) ? `${stamp}${chosen.get(label)}: ` : all)))
      .join('\n');
    const speakers = [...new Set((r.data.speakers ?? []).map((l) => chosen.get(l) ?? l))];
    // Audited by write() as an edit of the text; the names are not written to the log.
    // Naming the voices is Hvelv's own change of the words: it checks no passage.
    this.write(id, { text, speakers, byHvelv: true });
    return this.get(id);
  }

  /** The student has gone through the automatic draft: it is no longer flagged as one. */
  markChecked(id: string): TranscriptDetail {
    const r = this.record(id);
    if (!r.data.draft) throw new HvelvError('INVALID_INPUT', 'this transcript is not an automatic draft');
    if (r.data.draft.checkedAt && !hasUncheckedMachineText(machineCount(r.data))) return this.get(id);
    // The student's word that they checked it all (against the recording, outside the
    // workspace perhaps): no passage is marked as machine text after it.
    const m = machineOf(r.data);
    const next: TranscriptRecord = { ...r.data, draft: { ...r.data.draft, checkedAt: this.now().toISOString(), ...(m ? { machine: { total: m.total, unchecked: [] } } : {}) }, updatedAt: this.now().toISOString() };
    this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next });
    this.session.audit.append('transcript.edited', { participant: r.participant, details: { transcript: id, change: 'draft-checked' } });
    return this.get(id);
  }

  /**
   * Passages of a draft the student played through in the workspace (by their stamps'
   * times): checked against the recording. Times that are no unchecked passage change
   * nothing. Not audited: listening is not a change of the text (the count is in the record).
   */
  heard(id: string, ms: readonly number[]): MachineTextCount | null {
    const r = this.record(id);
    const before = machineCount(r.data);
    if (!before || before.checked === before.total || ms.length === 0) return before;
    const next: TranscriptRecord = { ...r.data, ...draftField(afterHeard(r.data, ms)) };
    const after = machineCount(next);
    if (after && after.checked !== before.checked) this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next });
    return after;
  }

  update(id: string, change: { text?: string; complete?: boolean; recordingId?: string | null; speakers?: string[]; autosave?: boolean }): TranscriptDetail {
    this.write(id, change);
    return this.get(id);
  }

  /**
   * The workspace's autosave: the text written (sealed, signed, in one transaction with
   * the coded segments it moves), and no more. Unlike update() it does not read the
   * transcript back, run the identifying-details check on the new text (20–25 ms at
   * 60 000 characters, most of what a save cost) or send the text back to the page,
   * which has it. The check runs when the transcript is next opened, listed or checked,
   * which is where its findings are shown; the workspace asks for that when it closes.
   * An unchanged text is not written again.
   */
  autosave(id: string, text: string): { updatedAt: string; today: TodayProgress | null; written: boolean } {
    const next = this.write(id, { text, autosave: true });
    return { updatedAt: next.record.updatedAt, today: next.record.today ?? null, written: next.written };
  }

  /** `byHvelv`: Hvelv changed the words itself (the voices named), which checks nothing against the recording. */
  private write(id: string, change: { text?: string; complete?: boolean; recordingId?: string | null; speakers?: string[]; autosave?: boolean; byHvelv?: boolean }): { record: TranscriptRecord; written: boolean } {
    const r = this.record(id);
    if (change.recordingId) this.assertRecordingOf(r.participant, change.recordingId);
    const text = change.text?.normalize('NFC') ?? r.data.text;
    const textChanged = text !== r.data.text;
    const points = textChanged ? syncPoints(text) : r.data.syncPoints;
    if (change.autosave && !textChanged && change.complete === undefined && change.recordingId === undefined && change.speakers === undefined) return { record: r.data, written: false };
    const now = this.now();
    const day = localIsoDate(now);
    // Where the day started is counted only when a day starts: counting the words of the
    // whole text on every autosave was a tenth of its cost.
    const newDay = !r.data.today || r.data.today.date !== day;
    const speakers = change.speakers?.map((s) => s.trim()).filter(Boolean);
    if (speakers && (speakers.length > 8 || speakers.some((s) => s.length > 24 || /[\n#]/.test(s)))) {
      throw new HvelvError('INVALID_INPUT', 'at most eight speaker labels of up to 24 characters, without # or line breaks');
    }
    if (speakers) this.assertNoRealName(speakers);
    const next: TranscriptRecord = {
      ...r.data,
      text,
      syncPoints: points,
      ...(textChanged ? draftField(change.byHvelv ? afterReplacement(r.data, text) : afterEdit(r.data, text)) : {}),
      complete: change.complete ?? r.data.complete,
      recordingId: change.recordingId === undefined ? r.data.recordingId : change.recordingId,
      speakers: speakers ?? r.data.speakers,
      today: textChanged ? advanceToday(r.data.today, day, now, newDay ? { words: wordCount(r.data.text), reachedMs: reachedMs(r.data.syncPoints, this.durationOf(r.data.recordingId)) } : SAME_DAY) : r.data.today,
      updatedAt: now.toISOString(),
    };
    const what = [textChanged ? 'text' : '', change.complete !== undefined && change.complete !== r.data.complete ? (change.complete ? 'completed' : 'reopened') : '']
      .filter(Boolean)
      .join(',');
    // Autosave writes every few seconds while the student types: the audit log says that
    // the text was edited, once a quarter of an hour, not once per pause in typing.
    const quiet = change.autosave === true && what === 'text' && r.data.editAuditedAt !== undefined && now.getTime() - new Date(r.data.editAuditedAt).getTime() < EDIT_AUDIT_EVERY_MS;
    if (what && !quiet) next.editAuditedAt = now.toISOString();
    // Coded segments move with their text in the same transaction: a crash cannot leave
    // them pointing into the old text.
    this.store.atomically(() => {
      this.store.put(TRANSCRIPT_TABLE, { id, participant: r.participant, data: next });
      if (textChanged) remapAfterEdit(this.session, id, r.data.text, text, { at: next.updatedAt });
    });
    if (what && !quiet) this.session.audit.append('transcript.edited', { participant: r.participant, details: { transcript: id, change: what } });
    return { record: next, written: true };
  }

  /** The project's list of transcription markers ("(pause)", "[latter]" …), or null for the defaults. */
  markers(): string[] | null {
    return this.store.get<{ markers: string[] }>(MARKER_TABLE, MARKERS_ID)?.data.markers ?? null;
  }

  /** The project's markers, as the student edited them; `{t}` in one stands for the playing time. */
  setMarkers(markers: string[]): string[] {
    const list = markers.map((m) => m.trim()).filter(Boolean);
    if (list.length > 6 || list.some((m) => m.length > 60 || /\n/.test(m))) throw new HvelvError('INVALID_INPUT', 'at most six markers of up to 60 characters');
    this.store.put(MARKER_TABLE, { id: MARKERS_ID, participant: null, data: { markers: list } });
    return list;
  }

  private durationOf(recordingId: string | null): number | null {
    if (!recordingId) return null;
    try {
      return new Recordings(this.session, this.now).get(recordingId).durationMs;
    } catch (err) {
      if (err instanceof HvelvError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  /**
   * What a transcript export must pass first: the transcript's findings (the check the
   * transcript screen shows) in the form the REFI-QDA export and a share list them, with
   * ids to accept. Reads only (the check itself is audited).
   */
  exportFindings(id: string): ExchangeFinding[] {
    const r = this.record(id);
    return toExchangeFindings(r.data.text, { kind: 'transcript', id, field: 'text', participant: r.participant }, r.participant, this.check(id).findings);
  }

  /**
   * Write the transcript as .txt (UTF-8) or .docx to a file the user chose. It leaves the
   * vault, so it passes the identifying-details check first, as every export does:
   * refused with DETAILS_UNCHECKED (nothing written) while a finding is neither replaced
   * nor among `accepted`, and with INVALID_INPUT for an id that is no finding.
   */
  export(id: string, out: string, format: 'txt' | 'docx', accepted: readonly string[]): void {
    const r = this.record(id);
    requireAccepted(this.exportFindings(id), accepted);
    const bytes = format === 'txt' ? new TextEncoder().encode(r.data.text) : textToDocx(r.data.text);
    const tmp = atomicTempPath(out);
    const note = beginExport(this.session, tmp, this.now);
    try {
      writeFileAtomic(out, bytes, nodeFileOps, tmp);
    } finally {
      note.end();
    }
    this.session.audit.append('transcript.exported', { participant: r.participant, details: { transcript: id, format, findingsAccepted: accepted.length } });
  }

  delete(id: string): void {
    const r = this.record(id);
    // Its coded segments and the memos on it and on them go with it.
    this.store.atomically(() => {
      this.store.delete(TRANSCRIPT_TABLE, id);
      removeTranscriptAnalysis(this.session, id);
    });
    if (!this.session.stores.keylist.destroyed) this.savePending(id, r.participant, []);
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

/**
 * The check of one text, once per call: `known` is read afresh for each call of the
 * service, so keying on it keeps a result no longer than the call that made it (list()
 * notes and counts each transcript with the same findings).
 */
const checked = new WeakMap<KnownDetails, Map<string, DeidFinding[]>>();
/** The key list's details while it is unchanged, per session (memory only; dropped on lock). */
const knownBySession = new WeakMap<VaultSession, { stamp: string; known: KnownDetails }>();
/** Checks kept per key list: enough for every transcript of a thesis and a few old versions. */
const CHECKS_KEPT = 1000;
function findOnce(text: string, known: KnownDetails, kept: Kept): DeidFinding[] {
  let byText = checked.get(known);
  if (!byText) checked.set(known, (byText = new Map()));
  // A digest, not the text, as the key: the map outlives the call now.
  const key = createHash('sha256').update(kept.terms.join('\u0000')).update('\u0002').update(kept.keyList.join('\u0000')).update('\u0001').update(text).digest('base64');
  let found = byText.get(key);
  if (!found) {
    found = findIdentifiers(text, known, kept.terms, kept.keyList);
    byText.set(key, found);
    if (byText.size > CHECKS_KEPT) byText.delete(byText.keys().next().value!);
  }
  return [...found];
}

const hasKeyList = (k: KnownDetails): boolean => k.names.length + k.emails.length + k.phones.length + k.workplaces.length > 0;
const sameTerms = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The check on one transcript: with the key list while it exists; after, the word lists
 * and patterns plus what the key list found the last time it was there (each only while
 * its words are still where they were, and not marked as not identifying).
 */
function findingsOf(r: TranscriptRecord, known: KnownDetails, kept: Kept): DeidFinding[] {
  const found = findOnce(r.text, known, kept);
  if (hasKeyList(known) || !r.lastWithKeyList) return found;
  // What the key list found the last time: hidden only by a judgement made on a key-list finding.
  const keep = new Set(kept.keyList.map(lower));
  const remembered: DeidFinding[] = r.lastWithKeyList.keyList
    .filter((s) => r.text.slice(s.start, s.end) === s.text && !keep.has(lower(s.text)))
    .map((s) => ({ ...s, source: 'keylist', confidence: 'high' }));
  const out: DeidFinding[] = [];
  // The key list's finding wins where the two overlap: it was sure.
  for (const f of [...remembered, ...found.filter((f) => !remembered.some((x) => x.start < f.end && f.start < x.end))].sort((a, b) => a.start - b.start)) out.push(f);
  return out;
}

/** Spans moved by replacements made before them; those a replacement touched are gone. */
function shiftSpans(spans: Span[], replace: readonly Replacement[]): Span[] {
  const sorted = [...replace].sort((a, b) => a.start - b.start);
  return spans.flatMap((s) => {
    if (sorted.some((x) => x.start < s.end && s.start < x.end)) return [];
    const d = sorted.filter((x) => x.end <= s.start).reduce((n, x) => n + x.with.length - (x.end - x.start), 0);
    return [{ ...s, start: s.start + d, end: s.end + d }];
  });
}

function detail(id: string, code: string, r: TranscriptRecord, known: KnownDetails, kept: Kept, pending: readonly PendingReplacement[]): TranscriptDetail {
  const pendingReplacements = pending.map((p) => ({ at: p.at, items: p.items.map(({ was, with: w }) => ({ was, with: w })) }));
  const unchecked = uncheckedPassages(r);
  return { ...summary(id, code, r, known, kept), text: r.text, syncPoints: r.syncPoints, speakers: r.speakers ?? [...DEFAULT_SPEAKERS], today: r.today ?? null, pendingReplacements, machineUnchecked: unchecked.map((p) => p.ms), machineUncheckedAt: unchecked.map((p) => p.start) };
}

/** The record's `draft` as a field to spread: absent stays absent. */
const draftField = (draft: TranscriptRecord['draft']): Pick<TranscriptRecord, 'draft'> => (draft ? { draft } : {});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A replacement as the history keeps it: each placeholder's place in the new text and the words it took out. */
function pendingOf(before: string, after: string, replace: readonly Replacement[], at: string): PendingReplacement {
  const sorted = [...replace].sort((a, b) => a.start - b.start);
  let delta = 0;
  const items: PendingReplacement['items'] = [];
  for (const x of sorted) {
    const start = x.start + delta;
    delta += x.with.length - (x.end - x.start);
    // Invisible characters taken out are not put back: only placeholders are undone.
    if (x.with !== '') items.push({ start, end: start + x.with.length, was: before.slice(x.start, x.end), with: x.with });
  }
  return { at, after: sha256(after), items };
}

function summary(id: string, code: string, r: TranscriptRecord, known: KnownDetails, kept: Kept): TranscriptSummary {
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
    identifiers: findingsOf(r, known, kept).length,
    unresolvedAtKeyListEnd: !hasKeyList(known) && r.lastWithKeyList ? r.lastWithKeyList.unresolved : null,
    automaticDraft: hasUncheckedMachineText(machineCount(r)),
    machineText: machineCount(r),
  };
}
