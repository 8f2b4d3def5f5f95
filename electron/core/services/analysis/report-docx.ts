/**
 * The report and journal as .docx, built with the `docx` library (MIT; real Word
 * structures: headings, a table for the codebook, quotes as indented italics) rather
 * than hand-written XML. In memory only: the bytes go straight to the export writer.
 */
import type { ComparisonTable } from '../../../../shared/attributes';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Code, Memo, RetrievedSegment, Theme } from '../../../../shared/analysis';
import type { MapLabels } from '../../../../shared/analysis-map';
import { quoteCitation } from '../../../../shared/analysis-text';
import { formatLongDate, translate, type Locale } from '../../../../shared/i18n/catalogue';

export function mapLabels(locale: Locale): MapLabels {
  return {
    segments: (n) => translate(locale, 'analysis.map.segments', { n }),
    status: {
      candidate: translate(locale, 'analysis.status.candidate'),
      reviewed: translate(locale, 'analysis.status.reviewed'),
      defined: translate(locale, 'analysis.status.defined'),
    },
    empty: translate(locale, 'analysis.map.empty'),
  };
}

/** How a findings chapter cites a quote: "(JS02, 00:14:32)", or "(JS02)" without a timestamp. */
export function citation(s: Pick<RetrievedSegment, 'participant' | 'timestampMs'>): string {
  return quoteCitation(s);
}

export interface ReportInput {
  title: string;
  student: string;
  date: Date;
  codes: Code[];
  themes: Theme[];
  quotesByTheme: Map<string, RetrievedSegment[]>;
  /** Quotes (segment ids) that touch an automatic draft's unchecked machine text: each is marked, and the report says what the mark means. */
  machineQuotes?: ReadonlySet<string>;
  /** Codes × an attribute's values (services/attributes/compare.ts), one table each. */
  comparisons?: ComparisonTable[];
}

const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });

export async function renderReportDocx(input: ReportInput, locale: Locale): Promise<Uint8Array> {
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  const codeName = new Map(input.codes.map((c) => [c.id, c.path.join(' / ')]));
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: `${t('analysis.report.title')}: ${input.title}`, heading: HeadingLevel.TITLE }),
    new Paragraph({ text: t('analysis.report.by', { student: input.student, date: formatLongDate(input.date.toISOString(), locale) }) }),
    ...(input.machineQuotes?.size ? [new Paragraph({ children: [new TextRun({ text: t('mt.reportNote'), italics: true })] })] : []),
    new Paragraph({ text: t('analysis.report.codebook'), heading: HeadingLevel.HEADING_1 }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: [cell(t('analysis.report.code'), true), cell(t('analysis.report.definition'), true), cell(t('analysis.report.segments'), true), cell(t('analysis.report.interviews'), true)] }),
        ...input.codes.map((c) => new TableRow({ children: [cell(c.path.join(' / ')), cell(c.definition || t('analysis.report.noDefinition')), cell(String(c.segmentCount)), cell(String(c.transcriptCount))] })),
      ],
    }),
    new Paragraph({ text: t('analysis.report.themes'), heading: HeadingLevel.HEADING_1 }),
  ];
  const depth = (th: Theme): number => (th.parentId ? 1 + depth(input.themes.find((x) => x.id === th.parentId) ?? { ...th, parentId: null }) : 0);
  for (const th of input.themes) {
    const d = depth(th);
    children.push(new Paragraph({ text: d > 0 ? `${t('analysis.report.subtheme')}: ${th.name}` : th.name, heading: d > 0 ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_2 }));
    children.push(new Paragraph({ children: [new TextRun({ text: t('analysis.report.status', { status: t(`analysis.status.${th.status}`) }), italics: true })] }));
    children.push(new Paragraph({ text: th.definition || t('analysis.report.noDefinition') }));
    children.push(new Paragraph({ text: t('analysis.report.codesInTheme', { codes: th.codeIds.map((c) => codeName.get(c) ?? '').filter(Boolean).join('; ') || '–' }) }));
    const quotes = input.quotesByTheme.get(th.id) ?? [];
    children.push(new Paragraph({ text: t('analysis.report.quotes'), heading: HeadingLevel.HEADING_4 }));
    if (quotes.length === 0) children.push(new Paragraph({ children: [new TextRun({ text: t('analysis.report.noQuotes'), italics: true })] }));
    for (const q of quotes) {
      children.push(
        new Paragraph({
          indent: { left: 720, right: 720 },
          alignment: AlignmentType.LEFT,
          children: [
            new TextRun({ text: `«${q.text.trim()}» `, italics: true }),
            new TextRun({ text: citation(q) }),
            ...(input.machineQuotes?.has(q.id) ? [new TextRun({ text: ` ${t('mt.quoteMark')}` })] : []),
          ],
        }),
      );
    }
  }
  for (const cmp of input.comparisons ?? []) {
    children.push(new Paragraph({ text: t('attributes.report.title', { attribute: cmp.attribute.labels[locale] }), heading: HeadingLevel.HEADING_1 }));
    children.push(new Paragraph({ text: t('attributes.report.intro') }));
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [
          new TableRow({ tableHeader: true, children: [cell(t('analysis.report.code'), true), ...cmp.columns.map((c, i) => cell(t('attributes.column', { value: c || t('attributes.noValue'), n: cmp.columnParticipants[i]! }), true))] }),
          ...cmp.rows.map((r) => new TableRow({ children: [cell(r.path.join(' / ')), ...r.cells.map((c) => cell(`${c.passages} (${c.participants})`))] })),
        ],
      }),
    );
  }
  return pack(new Document({ creator: 'Hvelv', title: input.title, sections: [{ children }] }));
}

export interface JournalInput {
  title: string;
  student: string;
  date: Date;
  entries: Memo[];
}

export async function renderJournalDocx(input: JournalInput, locale: Locale): Promise<Uint8Array> {
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  const children: Paragraph[] = [
    new Paragraph({ text: `${t('analysis.journal.title')}: ${input.title}`, heading: HeadingLevel.TITLE }),
    new Paragraph({ text: t('analysis.report.by', { student: input.student, date: formatLongDate(input.date.toISOString(), locale) }) }),
  ];
  if (input.entries.length === 0) children.push(new Paragraph({ text: t('analysis.journal.empty') }));
  let phase: string | null = null;
  for (const e of input.entries) {
    if (e.phase !== phase) {
      phase = e.phase;
      children.push(new Paragraph({ text: t(`analysis.phase.${e.phase}`), heading: HeadingLevel.HEADING_1 }));
    }
    children.push(new Paragraph({ text: formatLongDate(e.createdAt, locale), heading: HeadingLevel.HEADING_3 }));
    for (const line of e.text.split('\n')) children.push(new Paragraph({ text: line }));
  }
  return pack(new Document({ creator: 'Hvelv', title: input.title, sections: [{ children }] }));
}

async function pack(doc: Document): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(doc));
}
