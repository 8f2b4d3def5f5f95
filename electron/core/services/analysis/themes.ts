/**
 * Themes and sub-themes: they group codes from anywhere in the codebook (a code may be
 * in several themes), with a name, a definition and a status that follows the phases
 * (candidate → reviewed → defined; the student may step back). Project-level records.
 * Audited: created, deleted (ids and counts).
 */
import { THEME_STATUSES, type Theme, type ThemeInput, type ThemeStatus } from '../../../../shared/analysis';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { assertUniqueAmongSiblings, checkDefinition, checkName } from './codebook';
import { A, analysisCache, assertWritable, type CodeRecord, type MemoRecord, type ThemeRecord, byName } from './records';

export class Themes {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  /** Every theme, parents before sub-themes, by name; with segment counts over its codes and sub-themes. */
  list(): Theme[] {
    const cache = analysisCache(this.session);
    const themes = this.records();
    const codes = cache.rows<CodeRecord>(A.code);
    const segmentsByCode = new Map<string, { seg: string; tid: string }[]>();
    for (const [tid, row] of cache.codings()) {
      for (const s of row.data.segments) {
        if (s.orphanedAt !== null) continue;
        for (const c of s.codeIds) segmentsByCode.set(c, [...(segmentsByCode.get(c) ?? []), { seg: s.id, tid }]);
      }
    }
    const codesUnder = (themeId: string, acc = new Set<string>()): Set<string> => {
      for (const c of themes.get(themeId)?.codeIds ?? []) if (codes.has(c)) acc.add(c);
      for (const [sub, t] of themes) if (t.parentId === themeId) codesUnder(sub, acc);
      return acc;
    };
    const out: Theme[] = [];
    const visit = (parentId: string | null): void => {
      const kids = [...themes].filter(([, t]) => t.parentId === parentId).sort(([, a], [, b]) => byName(a.name, b.name));
      for (const [id, t] of kids) {
        const segs = new Set<string>();
        const tids = new Set<string>();
        for (const c of codesUnder(id)) {
          for (const x of segmentsByCode.get(c) ?? []) {
            segs.add(x.seg);
            tids.add(x.tid);
          }
        }
        out.push({ id, name: t.name, definition: t.definition, status: t.status, parentId: t.parentId, codeIds: t.codeIds.filter((c) => codes.has(c)), createdAt: t.createdAt, updatedAt: t.updatedAt, segmentCount: segs.size, transcriptCount: tids.size });
        visit(id);
      }
    };
    visit(null);
    return out;
  }

  get(id: string): Theme {
    const t = this.list().find((x) => x.id === id);
    if (!t) throw new HvelvError('NOT_FOUND', `no theme ${id}`);
    return t;
  }

  /** A theme by id or by name (unique), or by path "Theme/Sub-theme". */
  resolve(ref: string): Theme {
    const all = this.list();
    const byId = all.find((t) => t.id === ref);
    if (byId) return byId;
    const key = ref.normalize('NFC').trim().toLocaleLowerCase('nb');
    const named = all.filter((t) => t.name.toLocaleLowerCase('nb') === key);
    if (named.length === 1) return named[0]!;
    const pathOf = (t: Theme): string => {
      const parent = t.parentId ? all.find((p) => p.id === t.parentId) : undefined;
      return parent ? `${pathOf(parent)}/${t.name}` : t.name;
    };
    // A bare name that two codes share is ambiguous even if one of them is at the top.
    const byPath = !ref.includes('/') ? [] : all.filter((t) => pathOf(t).toLocaleLowerCase('nb') === key);
    if (byPath.length === 1) return byPath[0]!;
    if (named.length > 1) throw new HvelvError('INVALID_INPUT', `more than one theme is called "${ref}": give its path or its id`);
    throw new HvelvError('NOT_FOUND', `no theme "${ref}"`);
  }

  add(input: ThemeInput): Theme {
    assertWritable(this.session, this.now);
    const name = checkName(input.name);
    const parentId = input.parentId ?? null;
    const themes = this.records();
    if (parentId !== null && !themes.has(parentId)) throw new HvelvError('NOT_FOUND', `no parent theme ${parentId}`);
    assertUniqueAmongSiblings(themes, name, parentId, null);
    const status = checkStatus(input.status ?? 'candidate');
    const at = this.now().toISOString();
    const rec: ThemeRecord = { name, definition: checkDefinition(input.definition ?? ''), status, parentId, codeIds: [], createdAt: at, updatedAt: at };
    const stored = this.store.put(A.theme, { participant: null, data: rec });
    this.session.audit.append('theme.created', { details: { theme: stored.id, sub: parentId !== null } });
    return this.get(stored.id);
  }

  /** Rename or redefine a theme. */
  update(id: string, change: { name?: string; definition?: string }): Theme {
    assertWritable(this.session, this.now);
    const themes = this.records();
    const cur = this.record(themes, id);
    const next = { ...cur, updatedAt: this.now().toISOString() };
    if (change.name !== undefined) {
      next.name = checkName(change.name);
      assertUniqueAmongSiblings(themes, next.name, cur.parentId, id);
    }
    if (change.definition !== undefined) {
      next.definition = checkDefinition(change.definition);
      delete next.quotesWithdrawn;
    }
    this.store.put(A.theme, { id, participant: null, data: next });
    return this.get(id);
  }

  /** Make a theme a sub-theme of another (or top-level with null); cycles are refused. */
  move(id: string, parentId: string | null): Theme {
    assertWritable(this.session, this.now);
    const themes = this.records();
    const cur = this.record(themes, id);
    if (parentId !== null) {
      if (!themes.has(parentId)) throw new HvelvError('NOT_FOUND', `no parent theme ${parentId}`);
      for (let p: string | null = parentId; p !== null; p = themes.get(p)?.parentId ?? null) {
        if (p === id) throw new HvelvError('HIERARCHY_CYCLE', 'a theme cannot be put under itself or one of its own sub-themes');
      }
    }
    assertUniqueAmongSiblings(themes, cur.name, parentId, id);
    this.store.put(A.theme, { id, participant: null, data: { ...cur, parentId, updatedAt: this.now().toISOString() } });
    return this.get(id);
  }

  setStatus(id: string, status: ThemeStatus): Theme {
    assertWritable(this.session, this.now);
    const cur = this.record(this.records(), id);
    this.store.put(A.theme, { id, participant: null, data: { ...cur, status: checkStatus(status), updatedAt: this.now().toISOString() } });
    return this.get(id);
  }

  /** Put a code in a theme (it stays in any others). */
  assign(themeId: string, codeId: string): Theme {
    assertWritable(this.session, this.now);
    const cur = this.record(this.records(), themeId);
    if (!analysisCache(this.session).rows<CodeRecord>(A.code).has(codeId)) throw new HvelvError('NOT_FOUND', `no code ${codeId}`);
    if (cur.codeIds.includes(codeId)) return this.get(themeId);
    this.store.put(A.theme, { id: themeId, participant: null, data: { ...cur, codeIds: [...cur.codeIds, codeId], updatedAt: this.now().toISOString() } });
    return this.get(themeId);
  }

  /** Take a code out of a theme (a removal). */
  unassign(themeId: string, codeId: string): Theme {
    const cur = this.record(this.records(), themeId);
    if (!cur.codeIds.includes(codeId)) throw new HvelvError('NOT_FOUND', 'that code is not in this theme');
    this.store.put(A.theme, { id: themeId, participant: null, data: { ...cur, codeIds: cur.codeIds.filter((c) => c !== codeId), updatedAt: this.now().toISOString() } }, { removal: true });
    return this.get(themeId);
  }

  /** Delete a theme: its sub-themes move up, its codes stay in the codebook, its memos go. */
  delete(id: string): { subThemesMoved: number; memosRemoved: number } {
    const themes = this.records();
    const cur = this.record(themes, id);
    let moved = 0;
    let memos = 0;
    this.store.atomically(() => {
      for (const [sid, t] of themes) {
        if (t.parentId !== id) continue;
        const clash = [...themes].some(([oid, o]) => oid !== sid && oid !== id && o.parentId === cur.parentId && o.name.toLocaleLowerCase('nb') === t.name.toLocaleLowerCase('nb'));
        this.store.put(A.theme, { id: sid, participant: null, data: { ...t, name: clash ? `${t.name} (${cur.name})` : t.name, parentId: cur.parentId } }, { removal: true });
        moved++;
      }
      for (const [mid, m] of analysisCache(this.session).rows<MemoRecord>(A.memo)) {
        if (m.data.target.kind === 'theme' && m.data.target.id === id) {
          this.store.delete(A.memo, mid);
          memos++;
        }
      }
      this.store.delete(A.theme, id);
    });
    this.session.audit.append('theme.deleted', { details: { theme: id, subThemes: moved, memos } });
    return { subThemesMoved: moved, memosRemoved: memos };
  }

  private records(): Map<string, ThemeRecord> {
    return new Map([...analysisCache(this.session).rows<ThemeRecord>(A.theme)].map(([id, r]) => [id, r.data]));
  }

  private record(themes: Map<string, ThemeRecord>, id: string): ThemeRecord {
    const t = themes.get(id);
    if (!t) throw new HvelvError('NOT_FOUND', `no theme ${id}`);
    return t;
  }
}

function checkStatus(s: string): ThemeStatus {
  if (!(THEME_STATUSES as readonly string[]).includes(s)) throw new HvelvError('INVALID_INPUT', `status must be one of ${THEME_STATUSES.join(', ')}`);
  return s as ThemeStatus;
}
