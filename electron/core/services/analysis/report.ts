/**
 * What leaves the vault from the analysis: the report (.docx: the codebook, and per
 * theme its definition, codes and the quotes chosen for it, cited "(JS02, 00:14:32)"),
 * the reflexive journal (.docx, for the method chapter) and the thematic map (SVG).
 *
 * Like every export: the identifying-details check runs over everything that goes in
 * (code and theme names and definitions, quotes, journal entries) and each finding must
 * be replaced (in the transcript, the code, the memo) or confirmed by the user; the file
 * is written under a temporary name noted in the export journal and renamed when
 * complete, so an interruption leaves nothing readable behind; and the audit log, the
 * vault's record of exports, says what was exported, when, and whose data it holds
 * (participant codes and counts, never the text). Private memos never go out.
 */
import type { AnalysisFinding, ExportChecks, ThematicMapData } from '../../../../shared/analysis';
import { thematicMapSvg } from '../../../../shared/analysis-map';
import type { Locale } from '../../../../shared/i18n/catalogue';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import type { AuditEntry } from '../../stores/audit-log';
import { Coding } from './coding';
import { Codebook } from './codebook';
import { Memos } from './memos';
import { Themes } from './themes';
import { findAnalysisDetails } from './check';
import { renderJournalDocx, renderReportDocx, mapLabels } from './report-docx';
import { writeExport } from './export-file';
import { segmentsOnMachineText } from '../transcripts/machine-text';
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts/records';
import { reportComparisons } from '../attributes/compare';

export class Report {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  /**
   * Possible identifying details in what the report would hold: code and theme names
   * and definitions and the quotes. Positions are code points of each text.
   */
  check(): AnalysisFinding[] {
    return findAnalysisDetails(this.session, { codes: true, themes: true, quotes: true, memos: false, attributes: true });
  }

  /**
   * The identifying-details check over all analysis text: every memo (private ones too:
   * they can quote a participant), code and theme. For the student's own review and for
   * the check before project end.
   */
  checkAll(): AnalysisFinding[] {
    return findAnalysisDetails(this.session, { codes: true, themes: true, quotes: true, memos: true, attributes: true });
  }

  /** The findings in the journal's (non-private) entries. */
  checkJournal(): AnalysisFinding[] {
    return findAnalysisDetails(this.session, { codes: false, themes: false, quotes: false, memos: 'journal' });
  }

  /**
   * What the thematic map shows; with `participants` (those holding an attribute value:
   * services/attributes), the counts are of their passages only.
   */
  mapData(participants?: readonly string[]): ThematicMapData {
    const codes = new Codebook(this.session, this.now).list();
    const themes = new Themes(this.session, this.now).list();
    const coding = new Coding(this.session, this.now);
    const codeCount = (id: string, own: number): number => (participants ? coding.retrieve({ codeId: id }, { descendants: false, participants }).length : own);
    const themeCount = (id: string, all: number): number => (participants ? new Set(coding.retrieve({ themeId: id }, { participants }).map((s) => s.id)).size : all);
    return {
      title: this.session.facts.title,
      themes: themes.map((t) => ({ id: t.id, name: t.name, status: t.status, parentId: t.parentId, codeIds: t.codeIds, segmentCount: themeCount(t.id, t.segmentCount) })),
      codes: codes.map((c) => ({ id: c.id, name: c.name, color: c.color, segmentCount: codeCount(c.id, c.segmentCount) })),
    };
  }

  /** The thematic map as SVG in the user's language (the same picture the app draws). */
  mapSvg(locale: Locale, participants?: readonly string[]): string {
    return thematicMapSvg(this.mapData(participants), mapLabels(locale));
  }

  /**
   * Write the report to `out` (.docx). Refused with DETAILS_UNCHECKED, nothing written,
   * while a finding of the check is neither replaced nor in `checks.accepted`.
   */
  async export(out: string, checks: ExportChecks): Promise<{ out: string; participants: string[]; quotes: number }> {
    requireAccepted(this.check(), checks.accepted);
    const codes = new Codebook(this.session, this.now).list();
    const themes = new Themes(this.session, this.now).list();
    const coding = new Coding(this.session, this.now);
    const quotesByTheme = new Map(themes.map((t) => [t.id, coding.retrieve({ themeId: t.id }).filter((s) => s.quote)]));
    const participants = [...new Set([...quotesByTheme.values()].flat().map((s) => s.participant))].sort();
    const quotes = new Set([...quotesByTheme.values()].flat().map((s) => s.id)).size;
    // A quote of an automatic draft's words nobody has checked against the recording says so (issue 26).
    const machineQuotes = segmentsOnMachineText((id) => this.session.stores.transcripts.get<TranscriptRecord>(TRANSCRIPT_TABLE, id)?.data ?? null, [...quotesByTheme.values()].flat());
    const bytes = await renderReportDocx({ title: this.session.facts.title, student: this.session.facts.student, date: this.now(), codes, themes, quotesByTheme, machineQuotes, comparisons: reportComparisons(this.session, this.now) }, checks.locale);
    writeExport(this.session, this.now, out, bytes);
    this.session.audit.append('report.exported', { details: { format: 'docx', participants: participants.join(','), quotes, codes: codes.length, themes: themes.length, findingsConfirmed: checks.accepted.length, machineTextQuotes: machineQuotes.size } });
    return { out, participants, quotes };
  }

  /** Write the reflexive journal (non-private entries, dated, by phase) to `out` (.docx). */
  async exportJournal(out: string, checks: ExportChecks): Promise<{ out: string; entries: number }> {
    requireAccepted(this.checkJournal(), checks.accepted);
    const entries = new Memos(this.session, this.now).journal().filter((m) => !m.private);
    const bytes = await renderJournalDocx({ title: this.session.facts.title, student: this.session.facts.student, date: this.now(), entries }, checks.locale);
    writeExport(this.session, this.now, out, bytes);
    this.session.audit.append('journal.exported', { details: { format: 'docx', entries: entries.length, findingsConfirmed: checks.accepted.length } });
    return { out, entries: entries.length };
  }

  /**
   * The exports that hold a participant's data (from the audit log, which outlives the
   * stores): shown at withdrawal and at the end date, so the student knows which copies
   * exist outside the vault.
   */
  exportsHolding(participant: string): AuditEntry[] {
    // Every kind of analysis export that carries participants' text: the report and a
    // REFI-QDA project (exchange.exported) alike.
    return this.session.audit.list().filter((e) => (e.action === 'report.exported' || e.action === 'exchange.exported') && String(e.details?.participants ?? '').split(',').includes(participant));
  }
}

function requireAccepted(findings: AnalysisFinding[], accepted: readonly string[]): void {
  const ok = new Set(accepted.map((a) => a.toLocaleLowerCase('nb')));
  const open = findings.filter((f) => !ok.has(f.text.toLocaleLowerCase('nb')));
  if (open.length > 0) {
    throw new HvelvError('DETAILS_UNCHECKED', `${open.length} possible identifying detail(s) not yet replaced or confirmed (first: ${open[0]!.where.kind} ${open[0]!.where.field})`);
  }
}
