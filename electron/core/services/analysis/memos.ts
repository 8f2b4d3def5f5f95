/**
 * Memos and the reflexive journal. Memos are research data: they can quote the
 * participants. A memo on a transcript or on a segment is sealed under that
 * participant's key, so withdrawal destroys it with the rest of their data; memos on
 * the project, the journal, a code or a theme are project-level, and the
 * identifying-details check (report.ts) looks through them before any export.
 *
 * A private memo is never shared with the supervisor nor put in a report or journal
 * export. (An access request still includes the memos on the participant's own
 * transcript and segments, private or not: the right of access covers what is written
 * about them.)
 */
import { MEMO_MAX, PHASES, type Memo, type MemoInput, type MemoTarget, type Phase, type PhaseState } from '../../../../shared/analysis';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { TRANSCRIPT_TABLE } from '../transcripts/records';
import { A, analysisCache, assertWritable, STATE_ID, type MemoRecord, type StateRecord, byCodeUnits } from './records';

export class Memos {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  /** Memos, newest first; only those on `target` when given, only the journal with `{kind: 'journal'}`. */
  list(filter: { target?: MemoTarget; participant?: string; includePrivate?: boolean } = {}): Memo[] {
    const out: Memo[] = [];
    for (const [id, r] of analysisCache(this.session).rows<MemoRecord>(A.memo)) {
      if (filter.target && !sameTarget(r.data.target, filter.target)) continue;
      if (filter.participant !== undefined && r.participant !== filter.participant) continue;
      if (filter.includePrivate === false && r.data.private) continue;
      out.push(toMemo(id, r.participant, r.data));
    }
    return out.sort((a, b) => (a.createdAt === b.createdAt ? byCodeUnits(a.id, b.id) : a.createdAt < b.createdAt ? 1 : -1));
  }

  get(id: string): Memo {
    const r = analysisCache(this.session).rows<MemoRecord>(A.memo).get(id);
    if (!r) throw new HvelvError('NOT_FOUND', `no memo ${id}`);
    return toMemo(id, r.participant, r.data);
  }

  /** Write a memo; it is stamped with the current phase. */
  add(input: MemoInput): Memo {
    assertWritable(this.session, this.now);
    const text = checkText(input.text);
    const participant = this.participantOf(input.target);
    const at = this.now().toISOString();
    const rec: MemoRecord = { target: cleanTarget(input.target), text, private: input.private ?? false, phase: new Phases(this.session, this.now).get().current, createdAt: at, updatedAt: at };
    const stored = this.store.put(A.memo, { participant, data: rec });
    this.session.audit.append('memo.added', { participant, details: { memo: stored.id, on: rec.target.kind, private: rec.private } });
    return this.get(stored.id);
  }

  update(id: string, change: { text?: string; private?: boolean }): Memo {
    assertWritable(this.session, this.now);
    const r = analysisCache(this.session).rows<MemoRecord>(A.memo).get(id);
    if (!r) throw new HvelvError('NOT_FOUND', `no memo ${id}`);
    const next: MemoRecord = { ...r.data, text: change.text === undefined ? r.data.text : checkText(change.text), private: change.private ?? r.data.private, updatedAt: this.now().toISOString() };
    // Rewritten by the student: a mark that it quoted a withdrawn participant has been dealt with.
    if (change.text !== undefined) delete next.quotesWithdrawn;
    this.store.put(A.memo, { id, participant: r.participant, data: next });
    return this.get(id);
  }

  /** Delete a memo (a removal: allowed after the end date). */
  delete(id: string): void {
    const r = analysisCache(this.session).rows<MemoRecord>(A.memo).get(id);
    if (!r) throw new HvelvError('NOT_FOUND', `no memo ${id}`);
    this.store.delete(A.memo, id);
    this.session.audit.append('memo.deleted', { participant: r.participant, details: { memo: id } });
  }

  /** The reflexive journal, oldest first: dated entries, each with its phase. */
  journal(): Memo[] {
    return this.list({ target: { kind: 'journal' } }).reverse();
  }

  /** Whose data a memo on `target` is: the transcript's or segment's participant, or nobody. */
  private participantOf(target: MemoTarget): string | null {
    const cache = analysisCache(this.session);
    switch (target.kind) {
      case 'project':
      case 'journal':
        return null;
      case 'code':
        if (!cache.rows(A.code).has(target.id)) throw new HvelvError('NOT_FOUND', `no code ${target.id}`);
        return null;
      case 'theme':
        if (!cache.rows(A.theme).has(target.id)) throw new HvelvError('NOT_FOUND', `no theme ${target.id}`);
        return null;
      case 'transcript': {
        const t = cache.rows(TRANSCRIPT_TABLE).get(target.id);
        if (!t?.participant) throw new HvelvError('NOT_FOUND', `no transcript ${target.id}`);
        return t.participant;
      }
      case 'segment': {
        for (const [, row] of cache.codings()) if (row.data.segments.some((s) => s.id === target.id)) return row.participant;
        throw new HvelvError('NOT_FOUND', `no segment ${target.id}`);
      }
      default:
        throw new HvelvError('INVALID_INPUT', 'unknown memo target');
    }
  }
}

/** The six phases as a guide: where the student says they are, and since when. */
export class Phases {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  get(): PhaseState {
    const r = analysisCache(this.session).rows<StateRecord>(A.state).get(STATE_ID);
    if (!r) return { current: PHASES[0], history: [] };
    return { current: r.data.current, history: [...r.data.history], ...(r.data.declined ? { declined: r.data.declined } : {}) };
  }

  /** "Not now" to a suggested phase: kept, so the suggestion does not come back at every visit. */
  decline(phase: Phase): PhaseState {
    assertWritable(this.session, this.now);
    if (!(PHASES as readonly string[]).includes(phase)) throw new HvelvError('INVALID_INPUT', `phase must be one of ${PHASES.join(', ')}`);
    const cur = this.get();
    const next: StateRecord = { current: cur.current, history: cur.history, declined: phase };
    this.session.stores.transcripts.put(A.state, { id: STATE_ID, participant: null, data: next });
    return this.get();
  }

  /** Move to a phase (any, forward or back: nothing is forced). */
  set(phase: Phase): PhaseState {
    assertWritable(this.session, this.now);
    if (!(PHASES as readonly string[]).includes(phase)) throw new HvelvError('INVALID_INPUT', `phase must be one of ${PHASES.join(', ')}`);
    const cur = this.get();
    if (cur.current === phase && cur.history.length > 0) return cur;
    // Moving on answers the suggestion: what was declined is forgotten.
    const next: StateRecord = { current: phase, history: [...cur.history, { phase, at: this.now().toISOString() }] };
    this.session.stores.transcripts.put(A.state, { id: STATE_ID, participant: null, data: next });
    return this.get();
  }
}

function checkText(raw: string): string {
  const text = raw.normalize('NFC').trim();
  if (text.length === 0) throw new HvelvError('INVALID_INPUT', 'a memo cannot be empty');
  if (text.length > MEMO_MAX) throw new HvelvError('INVALID_INPUT', `a memo can be at most ${MEMO_MAX} characters`);
  return text;
}

function cleanTarget(t: MemoTarget): MemoTarget {
  return t.kind === 'project' || t.kind === 'journal' ? { kind: t.kind } : { kind: t.kind, id: t.id };
}

function sameTarget(a: MemoTarget, b: MemoTarget): boolean {
  if (a.kind !== b.kind) return false;
  return !('id' in a) || !('id' in b) || a.id === b.id;
}

function toMemo(id: string, participant: string | null, r: MemoRecord): Memo {
  return { id, target: r.target, participant, text: r.text, private: r.private, phase: r.phase, createdAt: r.createdAt, updatedAt: r.updatedAt };
}
