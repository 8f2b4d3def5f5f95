/**
 * The analysis methods of the IPC contract (issue 9), over core's analysis services.
 * Kept beside handlers.ts so the table there stays readable; the same rules hold:
 * no Electron here, every input already parsed by the contract's zod schema, and any
 * file written only where the user chose in main's own save dialog.
 *
 * Besides passing calls through, this is the adapter between what the screens need
 * and what core offers: the overview in one call, the findings of the check with
 * their surroundings, and "replace this finding" routed to the text it was found in
 * (a quote's words are replaced in the transcript itself, so the segment moves with them).
 */
import type { AnalysisFinding } from '../../shared/analysis';
import type { WhereClause } from '../../shared/attributes';
import { TextPositions } from '../../shared/analysis-text';
import type { AnalysisOverview, Method, Outputs, ParsedInput, ReportFinding } from '../../shared/contract';
import { HvelvError } from '../core/errors';
import { fileSlug } from './file-name';
import { Attributes } from '../core/services/attributes/attributes';
import { Codebook } from '../core/services/analysis/codebook';
import { Coding } from '../core/services/analysis/coding';
import { writeExport } from '../core/services/analysis/export-file';
import { Memos, Phases } from '../core/services/analysis/memos';
import { Report } from '../core/services/analysis/report';
import { Search } from '../core/services/analysis/search';
import { Themes } from '../core/services/analysis/themes';
import { dismissWithdrawalNote, withdrawalNotes } from '../core/services/analysis/withdrawn';
import type { Transcripts } from '../core/services/transcripts/transcripts';
import type { VaultSession } from '../core/vault/vault';

type AnalysisMethod = Extract<Method, `analysis.${string}` | `codes.${string}` | `coding.${string}` | `themes.${string}` | `memos.${string}` | `report.${string}` | `journal.${string}`>;
type AnalysisHandlers = { [M in AnalysisMethod]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export interface AnalysisDeps {
  session(): VaultSession;
  now: () => Date;
  chooseSavePath(defaultName: string): Promise<string | null>;
  transcripts(): Transcripts;
}

/** Words shown either side of a finding. */
const AROUND = 40;

export function analysisHandlers(deps: AnalysisDeps): AnalysisHandlers {
  const { now } = deps;
  const codebook = () => new Codebook(deps.session(), now);
  const coding = () => new Coding(deps.session(), now);
  const themes = () => new Themes(deps.session(), now);
  const memos = () => new Memos(deps.session(), now);
  const phases = () => new Phases(deps.session(), now);
  const report = () => new Report(deps.session(), now);
  /** A filter by attribute values (`--where` on screen): the participants holding them. */
  const among = (where: readonly WhereClause[] | undefined): { participants?: string[] } =>
    where?.length ? { participants: [...new Attributes(deps.session(), now).matching(where)] } : {};
  const attributeName = (id: string): string => {
    const a = new Attributes(deps.session(), now).resolve(id);
    return a.name;
  };

  const overview = (): AnalysisOverview => {
    const c = coding();
    const transcripts = deps.transcripts().list();
    let quotes = 0;
    const rows = transcripts.map((t) => {
      const live = c.forTranscript(t.id).filter((s) => s.orphanedAt === null);
      for (const s of live) if (s.quote) quotes++;
      return { id: t.id, participant: t.code, chars: t.chars, segments: live.length };
    });
    return {
      phase: phases().get(),
      codes: codebook().list(),
      themes: themes().list(),
      transcripts: rows,
      orphans: c.orphans().length,
      quotes,
      withdrawals: withdrawalNotes(deps.session()),
    };
  };

  /** The text a finding was found in, as it stands now. */
  const sourceText = (where: AnalysisFinding['where']): string => {
    if (where.kind === 'attribute') throw new HvelvError('INVALID_INPUT', 'an attribute value is changed on the participant\'s page, not replaced here');
    if (where.kind === 'segment') return coding().get(where.id).text;
    if (where.kind === 'memo') return memos().get(where.id).text;
    const item = where.kind === 'code' ? codebook().get(where.id) : themes().get(where.id);
    return where.field === 'name' ? item.name : item.definition;
  };

  const describe = (findings: AnalysisFinding[]): ReportFinding[] => {
    const labels = new Map<string, string>();
    const label = (w: AnalysisFinding['where']): string => {
      const key = `${w.kind}:${w.id}`;
      let l = labels.get(key);
      if (l === undefined) {
        if (w.kind === 'attribute') l = attributeName(w.id);
        else if (w.kind === 'code') l = codebook().get(w.id).path.join(' / ');
        else if (w.kind === 'theme') l = themes().get(w.id).name;
        else if (w.kind === 'segment') l = coding().get(w.id).participant;
        // A memo is named by its date, not its words: those are what is being checked.
        else l = memos().get(w.id).createdAt.slice(0, 10);
        labels.set(key, l);
      }
      return l;
    };
    return findings.map((f) => {
      const p = new TextPositions(f.context ?? sourceText(f.where));
      return { ...f, label: label(f.where), before: p.slice(Math.max(0, f.start - AROUND), f.start), after: p.slice(f.end, f.end + AROUND) };
    });
  };

  const check = (what: 'report' | 'journal'): ReportFinding[] => describe(what === 'report' ? report().check() : report().checkJournal());

  /** Replace one finding's words with a placeholder, in the text it was found in. */
  const replace = (input: ParsedInput<'report.replace'>): void => {
    const { where, start, end, expected } = input;
    const text = sourceText(where);
    const p = new TextPositions(text);
    if (p.slice(start, end) !== expected) throw new HvelvError('INVALID_INPUT', 'the text changed since it was checked: check it again');
    const next = p.slice(0, start) + input.with + p.slice(end, p.codePoints);
    if (where.kind === 'segment') {
      // In the transcript itself, so the quote, its segment and every other copy of the
      // words are the same; core moves the segments with the replacement.
      const seg = coding().get(where.id);
      const tr = deps.transcripts();
      const full = new TextPositions(tr.get(seg.transcriptId).text);
      const s16 = full.toUtf16(seg.start + start);
      const e16 = full.toUtf16(seg.start + end);
      if (s16 === null || e16 === null) throw new HvelvError('INVALID_INPUT', 'the transcript changed since it was checked: check it again');
      tr.deidentify(seg.transcriptId, [{ start: s16, end: e16, expected, with: input.with }], tr.check(seg.transcriptId).kept);
    } else if (where.kind === 'memo') memos().update(where.id, { text: next });
    else if (where.kind === 'code') codebook().update(where.id, { [where.field === 'name' ? 'name' : 'definition']: next });
    else themes().update(where.id, { [where.field === 'name' ? 'name' : 'definition']: next });
  };

  const slug = (s: string): string => fileSlug(s, 40, 'analyse');

  return {
    'analysis.overview': () => overview(),
    'analysis.setPhase': ({ phase }) => {
      phases().set(phase);
      return overview();
    },
    'analysis.declinePhase': ({ phase }) => {
      phases().decline(phase);
      return overview();
    },
    'analysis.dismissWithdrawal': ({ id }) => {
      dismissWithdrawalNote(deps.session(), id);
      return overview();
    },
    'codes.add': ({ name, parentId, definition, color }) => codebook().add({ name, parentId, definition, color }),
    'codes.update': ({ id, ...change }) => codebook().update(id, change),
    'codes.move': ({ id, parentId }) => codebook().move(id, parentId),
    'codes.merge': ({ from, into }) => codebook().merge(from, into),
    'codes.deletePreview': ({ id }) => codebook().deletePreview(id),
    'codes.delete': ({ id }) => codebook().delete(id),
    'coding.segments': ({ transcriptId }) => coding().forTranscript(transcriptId),
    'coding.apply': ({ transcriptId, start, end, codeId }) => coding().apply(transcriptId, { start, end }, [codeId]),
    'coding.unapply': ({ segmentId, codeId }) => coding().unapply(segmentId, codeId),
    'coding.quote': ({ segmentId, quote }) => coding().setQuote(segmentId, quote),
    'coding.retrieve': ({ of, id, participant, descendants, where }) =>
      coding().retrieve(of === 'code' ? { codeId: id } : { themeId: id }, { ...(participant ? { participant } : {}), ...(descendants === false ? { descendants: false } : {}), ...among(where) }),
    'coding.orphans': () => coding().orphans(),
    'coding.reattach': ({ segmentId, start, end }) => coding().reattach(segmentId, { start, end }),
    'coding.removeSegment': ({ segmentId }) => {
      coding().removeSegment(segmentId);
      return null;
    },
    'coding.restore': ({ segmentId }) => coding().restore(segmentId),
    'themes.add': ({ name, parentId, definition }) => themes().add({ name, parentId, definition }),
    'themes.update': ({ id, status, ...change }) => {
      const t = themes();
      if (change.name !== undefined || change.definition !== undefined) t.update(id, change);
      return status ? t.setStatus(id, status) : t.get(id);
    },
    'themes.move': ({ id, parentId }) => themes().move(id, parentId),
    'themes.assign': ({ themeId, codeId, assigned }) => (assigned ? themes().assign(themeId, codeId) : themes().unassign(themeId, codeId)),
    'themes.delete': ({ id }) => {
      themes().delete(id);
      return null;
    },
    'memos.list': () => memos().list(),
    'memos.add': ({ target, text, private: secret }) => memos().add({ target, text, private: secret }),
    'memos.update': ({ id, ...change }) => memos().update(id, change),
    'memos.delete': ({ id }) => {
      memos().delete(id);
      return null;
    },
    'analysis.search': ({ query, where }) => new Search(deps.session(), now).query(query, among(where)),
    'analysis.mapData': ({ where }) => report().mapData(among(where).participants),
    'analysis.saveMap': async ({ format, data }) => {
      const s = deps.session();
      const target = await deps.chooseSavePath(`${slug(s.facts.title)}-tematisk-kart.${format}`);
      if (!target) return null;
      // The page drew the picture; main writes it like every export (temporary name in the
      // export journal, then rename), so an interruption leaves no half-written file.
      const bytes = format === 'svg' ? new TextEncoder().encode(data) : Uint8Array.from(Buffer.from(data, 'base64'));
      if (format === 'svg' && !data.startsWith('<svg')) throw new HvelvError('INVALID_INPUT', 'not an SVG picture');
      if (format === 'png' && !(bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)) throw new HvelvError('INVALID_INPUT', 'not a PNG picture');
      writeExport(s, now, target, bytes);
      s.audit.append('map.exported', { details: { format } });
      return target;
    },
    'report.check': ({ what }) => check(what),
    'report.replace': (input) => {
      replace(input);
      return check(input.what);
    },
    'report.export': async ({ locale, accepted }) => {
      const r = report();
      // Refuse before the dialog when a finding is still open: nothing to choose a file for.
      const open = r.check().filter((f) => !accepted.some((a) => a.toLocaleLowerCase('nb') === f.text.toLocaleLowerCase('nb')));
      if (open.length > 0) throw new HvelvError('DETAILS_UNCHECKED', `${open.length} finding(s) neither replaced nor confirmed`);
      const target = await deps.chooseSavePath(`${slug(deps.session().facts.title)}-${locale === 'nb' ? 'analyse' : 'analysis'}.docx`);
      if (!target) return null;
      await r.export(target, { locale, accepted });
      return target;
    },
    'journal.export': async ({ locale, accepted }) => {
      const target = await deps.chooseSavePath(`${locale === 'nb' ? 'refleksiv-logg' : 'reflexive-journal'}.docx`);
      if (!target) return null;
      await report().exportJournal(target, { locale, accepted });
      return target;
    },
  };
}
