/**
 * Bringing work done elsewhere (NVivo, ATLAS.ti, MAXQDA, QualCoder) into the vault:
 * the codebook, text sources as transcripts, their coded selections as segments, and
 * notes as memos where they belong.
 *
 * Every source becomes a participant's transcript only when the student assigns it to
 * a participant whose consent covers transcripts: a text about a person is that
 * person's data, sealed under their key so a withdrawal destroys it. Sources left
 * unassigned are not imported (nothing of them, not their notes either) and are listed;
 * the rest, codes included, is imported.
 *
 * The text is stored as transcripts are (NFC, LF line endings), every selection moved
 * with its words (qdpx.ts), and the identifying-details check is run over each new
 * transcript, its findings counted in the result for the student to deal with.
 *
 * All or nothing: the whole import is one transaction of the transcripts store, which
 * holds the transcripts and the analysis alike; codes go in through the codebook and
 * segments through the coding service (their checks, their sealing), in bulk.
 */
import { CODE_PALETTE, DEFINITION_MAX, MEMO_MAX, NAME_MAX, type MemoTarget } from '../../../../shared/analysis';
import type { ImportPreview, ImportResult, ImportSourceInfo, SourceProblem } from '../../../../shared/exchange';
import { assertConsent } from '../../consent/gate';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Codebook, type NewCode } from '../analysis/codebook';
import { Coding } from '../analysis/coding';
import { Memos } from '../analysis/memos';
import { assertWritable, nameKey } from '../analysis/records';
import { Themes } from '../analysis/themes';
import { Transcripts } from '../transcripts/transcripts';
import { Attributes, fold } from '../attributes/attributes';
import { readUserFile } from '../project/user-file';
import { parseGuid } from './guid';
import { flattenCodes, type Guid, type QdaCode, type QdaProject, type QdaSet, type QdaTextSource, type QdaVariableValue } from './qda-model';
import { DEFAULT_LIMITS, prepareSource, sourceName, unpackCodebook, unpackQdpx, type PreparedSource, type RawText, type UnpackLimits } from './qdpx';
import { normaliseWithMap, TextPositions } from './positions';

/** Largest .qdpx read (recordings inside are never unpacked, but the file is read whole). */
export const QDPX_MAX_BYTES = 1024 * 1024 * 1024;
export const QDC_MAX_BYTES = 20 * 1024 * 1024;
/**
 * Most codes one import brings in. Large NVivo projects hold a few thousand; a file
 * with more is refused before anything is written rather than filling the codebook
 * (and the code list on screen) with what no one can read.
 */
export const MAX_IMPORTED_CODES = 10_000;

function assertCodeCount(codes: readonly QdaCode[]): void {
  const n = flattenCodes(codes).length;
  if (n > MAX_IMPORTED_CODES) throw new HvelvError('FILE_TOO_LARGE', `the file holds ${n} codes; Hvelv imports at most ${MAX_IMPORTED_CODES}`);
}

export type { ImportPreview, ImportResult, ImportSourceInfo, SourceProblem };

/**
 * The bytes of an exchange file: an ordinary file (not a pipe, device or folder, which
 * i14's user-file.ts refuses before opening) within the limit, read through one descriptor.
 */
export function readExchangeFile(file: string, max: number): Uint8Array {
  return readUserFile(file, max);
}

interface Named {
  source: QdaTextSource;
  name: string;
  raw: RawText | undefined;
}

/** Sources with the names the student maps them by; a name used twice gets " (2)", " (3)" … */
function namedSources(sources: readonly QdaTextSource[], texts: ReadonlyMap<Guid, RawText>): Named[] {
  const seen = new Map<string, number>();
  return sources.map((source) => {
    const base = sourceName(source);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { source, name: n === 1 ? base : `${base} (${n})`, raw: texts.get(source.guid) };
  });
}

const problemOf = (raw: RawText | undefined): SourceProblem | null => (raw === undefined ? 'missing' : 'problem' in raw ? raw.problem : null);

/** One line, trimmed, at most NAME_MAX characters: the codebook's rule for names. */
function cleanName(raw: string, fallback: string): string {
  const name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  const chars = [...(name || fallback)];
  return chars.length > NAME_MAX ? `${chars.slice(0, NAME_MAX - 1).join('')}…` : chars.join('');
}

function cleanDefinition(raw: string | undefined): string {
  const d = normaliseWithMap(raw ?? '').text.trim();
  const chars = [...d];
  return chars.length > DEFINITION_MAX ? `${chars.slice(0, DEFINITION_MAX - 1).join('')}…` : d;
}

/** `#RRGGBB` as the codebook keeps colours; `#RGB` spelt out; none: the palette's next. */
function cleanColor(c: string | undefined): string | undefined {
  if (!c) return undefined;
  if (/^#[0-9a-f]{6}$/i.test(c)) return c.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(c)) return `#${[...c.slice(1)].map((x) => x + x).join('')}`.toLowerCase();
  return undefined;
}

export class ExchangeImport {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
    private readonly limits: UnpackLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * What a .qdpx or a .qdc holds (told apart by their bytes: a .qdpx is a ZIP, a .qdc
   * XML), for choosing whom each source belongs to. Reads the file only.
   */
  preview(bytes: Uint8Array): ImportPreview {
    if (!isZip(bytes)) {
      const book = unpackCodebook(bytes);
      return { format: 'qdc', origin: book.origin ?? null, sources: [], codes: flattenCodes(book.codes).length, notes: 0, sets: book.sets.length, skipped: {} };
    }
    const { project, texts } = unpackQdpx(bytes, this.limits);
    const text = project.sources.filter((s): s is QdaTextSource => s.kind === 'text');
    return {
      format: 'qdpx',
      origin: project.origin ?? null,
      sources: namedSources(text, texts).map((n) => {
        const problem = problemOf(n.raw);
        const prepared = problem === null ? prepareSource(n.source, (n.raw as { text: string }).text) : null;
        return { name: n.name, chars: prepared ? [...prepared.text].length : 0, selections: n.source.selections.length, problem };
      }),
      codes: flattenCodes(project.codes).length,
      notes: project.notes.length,
      sets: project.sets.length,
      skipped: { ...project.skipped, ...(project.sources.some((s) => s.kind === 'audio') ? { AudioSource: project.sources.filter((s) => s.kind === 'audio').length } : {}) },
    };
  }

  /**
   * Import a .qdpx; `assign` maps source names to participant codes. Every assignment is
   * checked (the source exists and is readable, the participant's consent covers
   * transcripts) before anything is written.
   */
  importQdpx(bytes: Uint8Array, assign: ReadonlyMap<string, string>): ImportResult {
    assertWritable(this.session, this.now);
    const { project, texts } = unpackQdpx(bytes, this.limits);
    assertCodeCount(project.codes);
    // Variables become attributes: a bound on how many, checked before anything is written.
    new Attributes(this.session, this.now).assertRoomFor(
      project.variables.filter((v) => v.name !== 'Participant code').map((v) => v.name),
      project.cases.reduce((n, c) => n + c.values.length, 0) + project.sources.reduce((n, s) => n + (s.kind === 'text' ? s.values.length : 0), 0),
    );
    const named = namedSources(
      project.sources.filter((s): s is QdaTextSource => s.kind === 'text'),
      texts,
    );
    const byName = new Map(named.map((n) => [n.name, n]));
    for (const [name, code] of assign) {
      const n = byName.get(name);
      if (!n) throw new HvelvError('INVALID_INPUT', `the file has no source "${name}" (its sources: ${named.map((x) => x.name).join(', ') || 'none'})`);
      if (problemOf(n.raw) !== null) throw new HvelvError('INVALID_INPUT', `the text of source "${name}" cannot be read (${problemOf(n.raw)}): it cannot be imported`);
      assertConsent(this.session.stores.keylist, code, 'transcript');
    }
    const prepared = new Map<string, PreparedSource>();
    for (const [name] of assign) {
      const n = byName.get(name)!;
      prepared.set(name, prepareSource(n.source, (n.raw as { text: string }).text));
    }

    const result: ImportResult = {
      imported: [],
      unassigned: named.filter((n) => !assign.has(n.name) && problemOf(n.raw) === null).map((n) => n.name),
      unreadable: named.filter((n) => problemOf(n.raw) !== null).map((n) => ({ name: n.name, problem: problemOf(n.raw)! })),
      codes: { created: 0, reused: 0 },
      segments: 0,
      memos: 0,
      themes: 0,
      uncodedSelections: 0,
      selectionsLeftOut: 0,
      notesLeftOut: 0,
      skipped: { ...project.skipped },
    };
    const audio = project.sources.filter((s) => s.kind === 'audio').length;
    if (audio) result.skipped.AudioSource = audio;

    const transcripts = new Transcripts(this.session, this.now);
    const memos = new Memos(this.session, this.now);
    const coding = new Coding(this.session, this.now);
    const notes = new Map(project.notes.map((n) => [n.guid, n]));
    const noteTargets: { note: Guid; target: MemoTarget }[] = [];
    const placed = new Set<Guid>();
    const referencedAnywhere = new Set<Guid>();
    const refer = (guids: readonly Guid[], target: MemoTarget | null): void => {
      for (const g of guids) {
        referencedAnywhere.add(g);
        if (target) noteTargets.push({ note: g, target });
      }
    };

    this.session.stores.transcripts.atomically(() => {
      const codeIds = this.importCodes(project.codes, result, codedGuids(project));
      for (const n of named) {
        const code = assign.get(n.name);
        const p = prepared.get(n.name);
        if (!code || !p) {
          // Not imported: nor are the notes about it.
          refer(n.source.noteRefs, null);
          for (const s of n.source.selections) refer(s.noteRefs, null);
          continue;
        }
        const t = transcripts.create(code, p.text, 'txt', null);
        result.selectionsLeftOut += p.outside;
        refer(n.source.noteRefs, { kind: 'transcript', id: t.id });
        const pos = new TextPositions(p.text);
        // Through the coding service, all of a transcript's selections in one write: the
        // same checks and sealing as coding by hand (one by one rewrote the transcript's
        // coding record each time, which was quadratic).
        const ranges: { start: number; end: number; codeIds: string[]; sel: (typeof p.selections)[number] }[] = [];
        for (const sel of p.selections) {
          const ids = [...new Set(sel.selection.codings.map((c) => codeIds.get(c.codeRef)).filter((c): c is string => c !== undefined))];
          if (ids.length === 0) {
            result.uncodedSelections++;
            // MAXQDA writes paraphrases and comments as selections without a code: kept as a memo.
            const about = sel.selection.description?.trim();
            if (about) this.addMemo(memos, { kind: 'transcript', id: t.id }, `«${pos.slice(sel.start, sel.end)}»\n\n${about}`, result);
            refer(sel.selection.noteRefs, { kind: 'transcript', id: t.id });
            continue;
          }
          if (sel.start === sel.end) {
            result.selectionsLeftOut++;
            refer(sel.selection.noteRefs, { kind: 'transcript', id: t.id });
            continue;
          }
          ranges.push({ start: sel.start, end: sel.end, codeIds: ids, sel });
        }
        const segs = coding.applyMany(t.id, ranges);
        segs.forEach((seg, i) => refer(ranges[i]!.sel.selection.noteRefs, { kind: 'segment', id: seg.id }));
        // The same range twice (a selection per code, as some tools write) is one segment.
        const segments = new Set(segs.map((x) => x.id)).size;
        result.segments += segments;
        result.imported.push({ name: n.name, participant: code, transcriptId: t.id, segments, findings: 0 });
      }
      for (const c of flattenCodes(project.codes)) {
        const id = codeIds.get(c.guid);
        refer(c.noteRefs, id ? { kind: 'code', id } : null);
      }
      const themeIds = this.importSets(project.sets, codeIds, result);
      for (const s of project.sets) {
        const id = themeIds.get(s.guid);
        refer(s.memberNotes, id ? { kind: 'theme', id } : null);
      }
      result.attributes = this.importVariables(project, named, assign);
      refer(project.noteRefs, { kind: 'project' });
      for (const { note, target } of noteTargets) {
        const n = notes.get(note);
        if (!n) continue;
        this.addMemo(memos, target, noteText(n.name, texts.get(n.guid)), result);
        placed.add(note);
      }
      // Notes that nothing refers to are about the project as a whole.
      for (const n of project.notes) {
        if (referencedAnywhere.has(n.guid)) {
          if (!placed.has(n.guid)) result.notesLeftOut++;
          continue;
        }
        this.addMemo(memos, { kind: 'project' }, noteText(n.name, texts.get(n.guid)), result);
      }
    });

    // Imported text is checked like any transcript; the student deals with what it finds.
    for (const i of result.imported) i.findings = transcripts.check(i.transcriptId).findings.length;
    this.session.audit.append('exchange.imported', {
      details: {
        format: 'qdpx',
        origin: (project.origin ?? '').slice(0, 60),
        participants: [...new Set(result.imported.map((i) => i.participant))].sort().join(','),
        transcripts: result.imported.length,
        unassigned: result.unassigned.length,
        codesCreated: result.codes.created,
        segments: result.segments,
        memos: result.memos,
        themes: result.themes,
      },
    });
    return result;
  }

  /**
   * REFI-QDA Variables as attributes: a Case's values go to the participant its imported
   * sources were assigned to (a Case over sources of two participants is left out), a
   * source's own values (MAXQDA's document variables) to that source's participant. An
   * attribute of the same name is reused, else defined (Integer and Float as number, Date
   * and DateTime as date, Boolean as a list of true/false, the rest as text). Each value
   * is set as by hand: generalised by default, checked against the attribute's kind.
   * Hvelv's own "Participant code" variable is not an attribute.
   */
  private importVariables(project: QdaProject, named: readonly { name: string; source: QdaTextSource }[], assign: ReadonlyMap<string, string>): NonNullable<ImportResult['attributes']> {
    const out = { defined: 0, values: 0, generalised: 0, leftOut: 0 };
    if (project.variables.length === 0) return out;
    const attrs = new Attributes(this.session, this.now);
    const participantOf = new Map<Guid, string>();
    for (const n of named) {
      const code = assign.get(n.name);
      if (code) participantOf.set(n.source.guid, code);
    }
    const targets: { participant: string; values: QdaVariableValue[] }[] = [];
    for (const c of project.cases) {
      const who = new Set(c.sourceRefs.map((g) => participantOf.get(g)).filter((x): x is string => x !== undefined));
      if (who.size === 1) targets.push({ participant: [...who][0]!, values: c.values });
      else if (who.size > 1) out.leftOut += c.values.length;
    }
    for (const n of named) {
      const code = participantOf.get(n.source.guid);
      if (code && n.source.values.length) targets.push({ participant: code, values: n.source.values });
    }
    const variables = new Map(project.variables.map((v) => [v.guid, v]));
    const known = new Map(attrs.list().map((a) => [fold(a.name), a.name]));
    for (const t of targets) {
      for (const v of t.values) {
        const variable = variables.get(v.variable);
        const value = v.value.trim();
        if (!variable || variable.name === 'Participant code' || value === '') continue;
        let name = known.get(fold(variable.name));
        try {
          if (!name) {
            const kind = variable.type === 'Integer' || variable.type === 'Float' ? 'number' : variable.type === 'Date' || variable.type === 'DateTime' ? 'date' : variable.type === 'Boolean' ? 'list' : 'text';
            name = attrs.define({ name: variable.name, kind, values: kind === 'list' ? ['true', 'false'] : undefined }).name;
            known.set(fold(name), name);
            out.defined++;
          }
          const r = attrs.set(t.participant, name, variable.type === 'DateTime' ? value.slice(0, 10) : value);
          out.values++;
          if (r.generalised) out.generalised++;
        } catch (err) {
          if (!(err instanceof HvelvError) || err.code !== 'INVALID_INPUT') throw err;
          out.leftOut++;
        }
      }
    }
    return out;
  }

  /** Import what `preview` read: a .qdpx with its assignments, or a .qdc (which has no sources to assign). */
  importFile(bytes: Uint8Array, assign: ReadonlyMap<string, string>): ImportResult {
    if (isZip(bytes)) return this.importQdpx(bytes, assign);
    if (assign.size) throw new HvelvError('INVALID_INPUT', 'a codebook (.qdc) has no sources to assign');
    const r = this.importQdc(bytes);
    return { imported: [], unassigned: [], unreadable: [], codes: r.codes, segments: 0, memos: 0, themes: r.themes, uncodedSelections: 0, selectionsLeftOut: 0, notesLeftOut: 0, skipped: {} };
  }

  /** Import a .qdc: its codes (hierarchy, colours, definitions) and its sets as themes. */
  importQdc(bytes: Uint8Array): { codes: { created: number; reused: number }; themes: number } {
    assertWritable(this.session, this.now);
    const book = unpackCodebook(bytes);
    assertCodeCount(book.codes);
    const result = { codes: { created: 0, reused: 0 }, themes: 0 };
    this.session.stores.transcripts.atomically(() => {
      const ids = this.importCodes(book.codes, result, new Set());
      this.importSets(book.sets, ids, result);
    });
    this.session.audit.append('exchange.imported', { details: { format: 'qdc', origin: (book.origin ?? '').slice(0, 60), codesCreated: result.codes.created, codesReused: result.codes.reused, themes: result.themes } });
    return result;
  }

  /**
   * The file's codes in the codebook, by GUID. A code with the name of one already
   * under the same parent is that code (a second import, or a name used twice in one
   * parent); the same name under two parents stays two codes. A grouping code
   * (`isCodable="false"`) stays one, never applied to text, unless the file codes text
   * with it all the same (`coded`): then the file's use wins and it is an ordinary code.
   * New codes go in as one step of the codebook (its checks, one audit entry).
   */
  private importCodes(codes: readonly QdaCode[], result: { codes: { created: number; reused: number } }, coded: ReadonlySet<Guid>): Map<Guid, string> {
    const book = new Codebook(this.session, this.now);
    const existingCodes = book.list();
    const existing = new Map(existingCodes.map((c) => [`${c.parentId ?? ''}|${nameKey(c.name)}`, c.id]));
    const plan: NewCode[] = [];
    // Where each file code lands: an existing code's id, or an index into `plan`.
    const where = new Map<Guid, { id: string } | { index: number }>();
    const planned = new Map<string, number>();
    const walk = (list: readonly QdaCode[], parent: { id: string } | { index: number } | null): void => {
      for (const c of list) {
        const name = cleanName(c.name, `(${c.guid.slice(0, 8)})`);
        const parentKey = parent === null ? '' : 'id' in parent ? parent.id : `#${parent.index}`;
        const key = `${parentKey}|${nameKey(name)}`;
        const id = existing.get(key);
        let at: { id: string } | { index: number };
        if (id) {
          result.codes.reused++;
          at = { id };
        } else if (planned.has(key)) {
          result.codes.reused++;
          at = { index: planned.get(key)! };
        } else {
          const color = cleanColor(c.color) ?? CODE_PALETTE[(existingCodes.length + plan.length) % CODE_PALETTE.length];
          plan.push({ name, definition: cleanDefinition(c.description), color, parent, codable: c.isCodable || coded.has(c.guid) });
          planned.set(key, plan.length - 1);
          result.codes.created++;
          at = { index: plan.length - 1 };
        }
        where.set(c.guid, at);
        walk(c.children, at);
      }
    };
    walk(codes, null);
    const newIds = book.addMany(plan);
    return new Map([...where].map(([g, at]) => [g, 'id' in at ? at.id : newIds[at.index]!]));
  }

  /** Sets of codes become themes (the standard has none): by name at the top, their codes assigned. */
  private importSets(sets: readonly QdaSet[], codeIds: ReadonlyMap<Guid, string>, result: { themes: number }): Map<Guid, string> {
    const themes = new Themes(this.session, this.now);
    const existing = new Map(themes.list().filter((t) => t.parentId === null).map((t) => [nameKey(t.name), t]));
    const out = new Map<Guid, string>();
    for (const s of sets) {
      const members = s.memberCodes.map((g) => codeIds.get(parseGuid(g) ?? g)).filter((c): c is string => c !== undefined);
      if (members.length === 0) continue;
      const name = cleanName(s.name, `(${s.guid.slice(0, 8)})`);
      let theme = existing.get(nameKey(name));
      if (!theme) {
        theme = themes.add({ name, definition: cleanDefinition(s.description) });
        existing.set(nameKey(name), theme);
        result.themes++;
      }
      for (const c of new Set(members)) if (!theme.codeIds.includes(c)) theme = themes.assign(theme.id, c);
      out.set(s.guid, theme.id);
    }
    return out;
  }

  private addMemo(memos: Memos, target: MemoTarget, text: string, result: { memos: number }): void {
    const t = text.trim();
    if (!t) return;
    memos.add({ target, text: t.length > MEMO_MAX ? t.slice(0, MEMO_MAX).replace(/[\uD800-\uDBFF]$/, '') : t });
    result.memos++;
  }
}

const isZip = (bytes: Uint8Array): boolean => bytes[0] === 0x50 && bytes[1] === 0x4b;

/** The codes the file codes text with. */
function codedGuids(project: QdaProject): Set<Guid> {
  const out = new Set<Guid>();
  for (const s of project.sources) if (s.kind === 'text') for (const sel of s.selections) for (const c of sel.codings) out.add(c.codeRef);
  return out;
}

/** A note's text as a memo: NFC and LF like everything stored, its name as the first line. */
function noteText(name: string | undefined, raw: RawText | undefined): string {
  const body = raw && 'text' in raw ? normaliseWithMap(raw.text).text.trim() : '';
  const title = name?.normalize('NFC').trim();
  if (!title || body.startsWith(title)) return body;
  return body ? `${title}\n\n${body}` : title;
}
