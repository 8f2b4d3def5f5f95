/**
 * The codebook: codes with a definition, a colour and an optional parent. A name is
 * unique among its siblings only (the same name may stand under two parents, as NVivo
 * and QualCoder allow); a code is found by id, by a unique name, or by its path
 * ("Relasjon/Tillit").
 *
 * Codes are project-level records (no participant's data), but they are research data
 * all the same: their names and definitions pass the identifying-details check before
 * any export. Audited: created, merged, deleted (ids and counts, never the names).
 */
import {
  CODE_PALETTE,
  COLOR_RE,
  DEFINITION_MAX,
  NAME_MAX,
  type Code,
  type CodeChange,
  type CodeDeletion,
  type CodeInput,
  type MergeResult,
} from '../../../../shared/analysis';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { A, analysisCache, assertWritable, nameKey, type CodeRecord, type MemoRecord, type ThemeRecord, byName, byCodeUnits } from './records';
import { writeSegments } from './segment-store';
import { joinOverlaps } from './segments';

/** One code of `Codebook.addMany`: its parent an existing code (`id`) or an earlier entry (`index`). */
export interface NewCode {
  name: string;
  definition?: string;
  color?: string;
  codable?: boolean;
  parent: { id: string } | { index: number } | null;
}

export class Codebook {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  /** Every code, parents before children, siblings by name; with counts and themes. */
  list(): Code[] {
    const codes = this.records();
    const counts = new Map<string, { segments: number; transcripts: Set<string> }>();
    for (const [tid, row] of analysisCache(this.session).codings()) {
      for (const s of row.data.segments) {
        for (const c of s.codeIds) {
          const n = counts.get(c) ?? { segments: 0, transcripts: new Set() };
          n.segments++;
          n.transcripts.add(tid);
          counts.set(c, n);
        }
      }
    }
    // With sub-codes, as retrieval counts by default: each segment once under every code
    // it carries and every code above those (a passage coded with a parent and a child
    // counts once for the parent).
    const withSubcodes = new Map<string, number>();
    for (const [, row] of analysisCache(this.session).codings()) {
      for (const s of row.data.segments) {
        const above = new Set<string>();
        for (let c of s.codeIds) {
          for (let guard = 0; guard < 1000 && !above.has(c); guard++) {
            above.add(c);
            const parent = codes.get(c)?.parentId;
            if (!parent) break;
            c = parent;
          }
        }
        for (const c of above) withSubcodes.set(c, (withSubcodes.get(c) ?? 0) + 1);
      }
    }
    const themes = [...analysisCache(this.session).rows<ThemeRecord>(A.theme)].sort(([a], [b]) => byCodeUnits(a, b));
    const out: Code[] = [];
    // Children grouped once: filtering every code for every parent was quadratic (an
    // imported codebook of 10 000 codes took minutes to list).
    const byParent = new Map<string | null, [string, CodeRecord][]>();
    for (const entry of codes) byParent.set(entry[1].parentId, [...(byParent.get(entry[1].parentId) ?? []), entry]);
    const visit = (parentId: string | null, path: string[]): void => {
      const kids = [...(byParent.get(parentId) ?? [])].sort(([, a], [, b]) => byName(a.name, b.name));
      for (const [id, c] of kids) {
        const p = [...path, c.name];
        const n = counts.get(id);
        out.push({
          id,
          name: c.name,
          definition: c.definition,
          color: c.color,
          parentId: c.parentId,
          path: p,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
          segmentCount: n?.segments ?? 0,
          segmentCountWithSubcodes: withSubcodes.get(id) ?? 0,
          transcriptCount: n?.transcripts.size ?? 0,
          themeIds: themes.filter(([, t]) => t.data.codeIds.includes(id)).map(([tid]) => tid),
          codable: c.codable !== false,
        });
        visit(id, p);
      }
    };
    visit(null, []);
    return out;
  }

  get(id: string): Code {
    const c = this.list().find((x) => x.id === id);
    if (!c) throw new HvelvError('NOT_FOUND', `no code ${id}`);
    return c;
  }

  /**
   * A code by id, by name (when only one code has it) or by path "Parent/Child" (when
   * the name stands under two parents). Ambiguous or unknown: a clear error.
   */
  resolve(ref: string): Code {
    const all = this.list();
    const byId = all.find((c) => c.id === ref);
    if (byId) return byId;
    const key = nameKey(ref);
    const named = all.filter((c) => nameKey(c.name) === key);
    if (named.length === 1) return named[0]!;
    // A bare name that two codes share is ambiguous even if one of them is at the top.
    // "Parent/Child", or "/Name" for the one at the top.
    const pathKey = nameKey(ref.replace(/^\//, ''));
    const byPath = !ref.includes('/') ? [] : all.filter((c) => nameKey(c.path.join('/')) === pathKey);
    if (byPath.length === 1) return byPath[0]!;
    if (named.length > 1) {
      throw new HvelvError('INVALID_INPUT', `more than one code is called "${ref}": give its path (${named.map((c) => c.path.join('/')).join(', ')}) or its id`);
    }
    throw new HvelvError('NOT_FOUND', `no code "${ref}"`);
  }

  add(input: CodeInput): Code {
    assertWritable(this.session, this.now);
    const name = checkName(input.name);
    const parentId = input.parentId ?? null;
    const codes = this.records();
    if (parentId !== null && !codes.has(parentId)) throw new HvelvError('NOT_FOUND', `no parent code ${parentId}`);
    assertUniqueAmongSiblings(codes, name, parentId, null);
    const at = this.now().toISOString();
    const rec: CodeRecord = {
      name,
      definition: checkDefinition(input.definition ?? ''),
      color: checkColor(input.color ?? CODE_PALETTE[codes.size % CODE_PALETTE.length]!),
      parentId,
      createdAt: at,
      updatedAt: at,
      ...(input.codable === false ? { codable: false } : {}),
    };
    const stored = this.store.put(A.code, { participant: null, data: rec });
    this.session.audit.append('code.created', { details: { code: stored.id, parent: parentId !== null } });
    return this.get(stored.id);
  }

  /**
   * Many codes in one step (a REFI-QDA import): each checked as `add` checks it (name,
   * definition, colour, unique among its siblings), parents before children, `parent`
   * either an existing code's id or the index of an earlier entry. All are checked
   * before the first is written, so a refusal leaves the codebook as it was; one audit
   * entry with the count, as one step. Returns the new ids in the order given.
   */
  addMany(list: readonly NewCode[]): string[] {
    assertWritable(this.session, this.now);
    const codes = this.records();
    const taken = new Set([...codes.values()].map((c) => `${c.parentId ?? ''}|${nameKey(c.name)}`));
    const at = this.now().toISOString();
    const planned: { rec: CodeRecord; parent: NewCode['parent'] }[] = [];
    list.forEach((input, i) => {
      const name = checkName(input.name);
      const p = input.parent;
      if (p !== null && 'id' in p && !codes.has(p.id)) throw new HvelvError('NOT_FOUND', `no parent code ${p.id}`);
      if (p !== null && 'index' in p && !(Number.isInteger(p.index) && p.index >= 0 && p.index < i)) throw new HvelvError('INVALID_INPUT', `code ${i}: its parent must come before it`);
      const parentKey = p === null ? '' : 'id' in p ? p.id : `#${p.index}`;
      const key = `${parentKey}|${nameKey(name)}`;
      if (taken.has(key)) throw new HvelvError('NAME_TAKEN', `"${name}" is already used ${p === null ? 'at the top level' : 'under that parent'}`);
      taken.add(key);
      const rec: CodeRecord = {
        name,
        definition: checkDefinition(input.definition ?? ''),
        color: checkColor(input.color ?? CODE_PALETTE[(codes.size + i) % CODE_PALETTE.length]!),
        parentId: null,
        createdAt: at,
        updatedAt: at,
        ...(input.codable === false ? { codable: false } : {}),
      };
      planned.push({ rec, parent: p });
    });
    const ids: string[] = [];
    this.store.atomically(() => {
      for (const { rec, parent } of planned) {
        rec.parentId = parent === null ? null : 'id' in parent ? parent.id : ids[parent.index]!;
        ids.push(this.store.put(A.code, { participant: null, data: rec }).id);
      }
    });
    if (ids.length) this.session.audit.append('code.created', { details: { codes: ids.length, bulk: true } });
    return ids;
  }

  /** Rename, redefine or recolour a code. */
  update(id: string, change: CodeChange): Code {
    assertWritable(this.session, this.now);
    const codes = this.records();
    const cur = codes.get(id);
    if (!cur) throw new HvelvError('NOT_FOUND', `no code ${id}`);
    const next: CodeRecord = { ...cur, updatedAt: this.now().toISOString() };
    if (change.name !== undefined) {
      next.name = checkName(change.name);
      assertUniqueAmongSiblings(codes, next.name, cur.parentId, id);
    }
    if (change.definition !== undefined) {
      next.definition = checkDefinition(change.definition);
      delete next.quotesWithdrawn;
    }
    if (change.color !== undefined) next.color = checkColor(change.color);
    this.store.put(A.code, { id, participant: null, data: next });
    return this.get(id);
  }

  /** Put a code under another (or at the top with null). A move into its own subtree is refused. */
  move(id: string, parentId: string | null): Code {
    assertWritable(this.session, this.now);
    const codes = this.records();
    const cur = codes.get(id);
    if (!cur) throw new HvelvError('NOT_FOUND', `no code ${id}`);
    if (parentId !== null) {
      if (!codes.has(parentId)) throw new HvelvError('NOT_FOUND', `no parent code ${parentId}`);
      for (let p: string | null = parentId; p !== null; p = codes.get(p)?.parentId ?? null) {
        if (p === id) throw new HvelvError('HIERARCHY_CYCLE', 'a code cannot be put under itself or one of its own sub-codes');
      }
    }
    assertUniqueAmongSiblings(codes, cur.name, parentId, id);
    this.store.put(A.code, { id, participant: null, data: { ...cur, parentId, updatedAt: this.now().toISOString() } });
    return this.get(id);
  }

  /**
   * Merge `fromId` into `intoId`: every segment of `from` carries `into` instead;
   * overlapping segments of one transcript that then carry the same codes become one
   * (and one inside another with no codes of its own is absorbed). `from`'s children
   * move under `into`, its themes and memos go to `into`, and `from` is deleted. All in
   * one transaction.
   */
  merge(fromId: string, intoId: string): MergeResult {
    assertWritable(this.session, this.now);
    if (fromId === intoId) throw new HvelvError('INVALID_INPUT', 'a code cannot be merged into itself');
    const codes = this.records();
    const from = codes.get(fromId);
    const into = codes.get(intoId);
    if (!from || !into) throw new HvelvError('NOT_FOUND', `no code ${from ? intoId : fromId}`);
    // A grouping code carries no text: merging coded text into one would code text with it.
    if (into.codable === false && from.codable !== false) throw new HvelvError('INVALID_INPUT', `"${into.name}" is a grouping code: it holds codes and is not applied to text`);
    for (let p: string | null = into.parentId; p !== null; p = codes.get(p)?.parentId ?? null) {
      if (p === fromId) throw new HvelvError('HIERARCHY_CYCLE', 'a code cannot be merged into one of its own sub-codes');
    }
    const cache = analysisCache(this.session);
    const at = this.now().toISOString();
    let moved = 0;
    let joined = 0;
    let childrenMoved = 0;
    this.store.atomically(() => {
      for (const [tid, row] of cache.codings()) {
        if (!row.data.segments.some((s) => s.codeIds.includes(fromId))) continue;
        const segments = row.data.segments.map((s) => {
          if (!s.codeIds.includes(fromId)) return s;
          moved++;
          return { ...s, codeIds: [...new Set(s.codeIds.map((c) => (c === fromId ? intoId : c)))], updatedAt: at };
        });
        const { segments: merged, absorbed } = joinOverlaps(segments, intoId);
        joined += absorbed.size;
        // Memos on an absorbed segment follow it to the one it became part of.
        for (const [mid, m] of cache.rows<MemoRecord>(A.memo)) {
          if (m.data.target.kind === 'segment' && absorbed.has(m.data.target.id)) {
            this.store.put(A.memo, { id: mid, participant: m.participant, data: { ...m.data, target: { kind: 'segment', id: absorbed.get(m.data.target.id)! } } }, { removal: true });
          }
        }
        writeSegments(this.session, tid, row.participant!, merged);
      }
      for (const [cid, c] of codes) {
        if (c.parentId !== fromId) continue;
        // A child whose name is taken under `into` keeps its place under `from`'s parent instead.
        const clash = [...codes].some(([oid, o]) => oid !== cid && o.parentId === intoId && nameKey(o.name) === nameKey(c.name));
        this.store.put(A.code, { id: cid, participant: null, data: { ...c, parentId: clash ? from.parentId : intoId, updatedAt: at } });
        childrenMoved++;
      }
      for (const [thid, t] of cache.rows<ThemeRecord>(A.theme)) {
        if (!t.data.codeIds.includes(fromId)) continue;
        const codeIds = [...new Set(t.data.codeIds.map((c) => (c === fromId ? intoId : c)))];
        this.store.put(A.theme, { id: thid, participant: null, data: { ...t.data, codeIds, updatedAt: at } });
      }
      for (const [mid, m] of cache.rows<MemoRecord>(A.memo)) {
        if (m.data.target.kind === 'code' && m.data.target.id === fromId) {
          this.store.put(A.memo, { id: mid, participant: m.participant, data: { ...m.data, target: { kind: 'code', id: intoId } } });
        }
      }
      this.store.delete(A.code, fromId);
    });
    this.session.audit.append('code.merged', { details: { from: fromId, into: intoId, segments: moved, joined } });
    return { code: this.get(intoId), segmentsMoved: moved, segmentsJoined: joined, childrenMoved };
  }

  /** What deleting a code would remove, without changing anything. */
  deletePreview(id: string): CodeDeletion {
    const codes = this.records();
    if (!codes.has(id)) throw new HvelvError('NOT_FOUND', `no code ${id}`);
    const cache = analysisCache(this.session);
    const out: CodeDeletion = { segmentsRemoved: 0, segmentsUncoded: 0, transcripts: 0, childrenMoved: 0, memosRemoved: 0 };
    const gone = new Set<string>();
    for (const [, row] of cache.codings()) {
      let here = false;
      for (const s of row.data.segments) {
        if (!s.codeIds.includes(id)) continue;
        here = true;
        if (s.codeIds.length === 1) {
          out.segmentsRemoved++;
          gone.add(s.id);
        } else out.segmentsUncoded++;
      }
      if (here) out.transcripts++;
    }
    out.childrenMoved = [...codes.values()].filter((c) => c.parentId === id).length;
    for (const [, m] of cache.rows<MemoRecord>(A.memo)) {
      if ((m.data.target.kind === 'code' && m.data.target.id === id) || (m.data.target.kind === 'segment' && gone.has(m.data.target.id))) out.memosRemoved++;
    }
    return out;
  }

  /**
   * Delete a code: segments that had only this code are removed (with their memos),
   * others lose it; its children move up to its parent; its memos are removed. A
   * removal: allowed after the end date too.
   */
  delete(id: string): CodeDeletion {
    const counts = this.deletePreview(id);
    const codes = this.records();
    const cur = codes.get(id)!;
    const cache = analysisCache(this.session);
    const at = this.now().toISOString();
    const gone = new Set<string>();
    this.store.atomically(() => {
      for (const [tid, row] of cache.codings()) {
        if (!row.data.segments.some((s) => s.codeIds.includes(id))) continue;
        const segments = row.data.segments.flatMap((s) => {
          if (!s.codeIds.includes(id)) return [s];
          if (s.codeIds.length === 1) {
            gone.add(s.id);
            return [];
          }
          return [{ ...s, codeIds: s.codeIds.filter((c) => c !== id), updatedAt: at }];
        });
        writeSegments(this.session, tid, row.participant!, segments, { removal: true });
      }
      for (const [mid, m] of cache.rows<MemoRecord>(A.memo)) {
        if ((m.data.target.kind === 'code' && m.data.target.id === id) || (m.data.target.kind === 'segment' && gone.has(m.data.target.id))) this.store.delete(A.memo, mid);
      }
      for (const [thid, t] of cache.rows<ThemeRecord>(A.theme)) {
        if (t.data.codeIds.includes(id)) this.store.put(A.theme, { id: thid, participant: null, data: { ...t.data, codeIds: t.data.codeIds.filter((c) => c !== id) } }, { removal: true });
      }
      for (const [cid, c] of codes) {
        if (c.parentId !== id) continue;
        const clash = [...codes].some(([oid, o]) => oid !== cid && oid !== id && o.parentId === cur.parentId && nameKey(o.name) === nameKey(c.name));
        // A child whose name is taken one level up keeps a name that says where it came from.
        const name = clash ? `${c.name} (${cur.name})` : c.name;
        this.store.put(A.code, { id: cid, participant: null, data: { ...c, name, parentId: cur.parentId, updatedAt: at } }, { removal: true });
      }
      this.store.delete(A.code, id);
    });
    this.session.audit.append('code.deleted', { details: { code: id, segments: counts.segmentsRemoved, uncoded: counts.segmentsUncoded, memos: counts.memosRemoved } });
    return counts;
  }

  /** The code records by id (decrypted, cached). */
  private records(): Map<string, CodeRecord> {
    return new Map([...analysisCache(this.session).rows<CodeRecord>(A.code)].map(([id, r]) => [id, r.data]));
  }
}

const HIDDEN_IN_NAME = /\p{Default_Ignorable_Code_Point}/u;
/** A joiner or variation selector right after an emoji (👩‍👩‍👧, ❤️) is part of it. */
const EMOJI_GLUE = /(?<=\p{Extended_Pictographic}(?:\ufe0f)?)(?:\u200d|\ufe0e|\ufe0f)/gu;

/** Trimmed, NFC, one line, 1 … NAME_MAX characters, nothing invisible. */
export function checkName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) throw new HvelvError('INVALID_INPUT', 'a name cannot be empty');
  // A zero-width space makes "Til\u200blit" look like "Tillit" (two codes the student
  // cannot tell apart) and can split a participant's name past the check. Emoji
  // sequences keep their joiner and variation selectors.
  if (HIDDEN_IN_NAME.test(name.replace(EMOJI_GLUE, ''))) throw new HvelvError('NAME_INVISIBLE', 'a name cannot hold invisible characters');
  if ([...name].length > NAME_MAX) throw new HvelvError('INVALID_INPUT', `a name can be at most ${NAME_MAX} characters`);
  if (/[\n\r\t]/.test(name)) throw new HvelvError('INVALID_INPUT', 'a name is one line');
  return name;
}

export function checkDefinition(raw: string): string {
  const d = raw.normalize('NFC').trim();
  if ([...d].length > DEFINITION_MAX) throw new HvelvError('INVALID_INPUT', `a definition can be at most ${DEFINITION_MAX} characters`);
  return d;
}

function checkColor(c: string): string {
  if (!COLOR_RE.test(c)) throw new HvelvError('INVALID_INPUT', `colour ${c} is not #RRGGBB`);
  return c.toLowerCase();
}

function assertUniqueAmongSiblings(items: Map<string, { name: string; parentId: string | null }>, name: string, parentId: string | null, self: string | null): void {
  const key = nameKey(name);
  for (const [id, c] of items) {
    if (id !== self && c.parentId === parentId && nameKey(c.name) === key) {
      throw new HvelvError('NAME_TAKEN', `"${name}" is already used ${parentId === null ? 'at the top level' : 'under that parent'}`);
    }
  }
}

export { assertUniqueAmongSiblings };
