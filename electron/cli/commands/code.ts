/** `hvelv code …`: the codebook and coding, for scripting an analysis without the UI. */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, parse, str } from '../args';
import { count, listingLocale, UsageError } from '../io';
import { translate } from '../../../shared/i18n/catalogue';
import { withSession } from '../session';
import { Codebook } from '../../core/services/analysis/codebook';
import { Coding } from '../../core/services/analysis/coding';
import { parseWhere } from '../../core/services/attributes/attributes';
import { filterWarning } from '../../core/services/attributes/groups';
import type { Code, SegmentRange } from '../../../shared/analysis';
import { codeLine, emit, intOption, segmentJson, segmentLine } from './analysis-output';

const byId = (codes: Code[]) => new Map(codes.map((c) => [c.id, c]));

export async function cmdCode(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { parent: { type: 'string' }, definition: { type: 'string' }, color: { type: 'string' } }, 2);
      const [vault, name] = positionals as [string, string];
      const code = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        const parentId = values.parent === undefined ? null : book.resolve(str(values.parent)).id;
        return book.add({ name, parentId, definition: str(values.definition), color: typeof values.color === 'string' ? values.color : undefined });
      });
      emit(io, Boolean(values.json), { code }, () => [code.id]);
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, { lang: { type: 'string' } }, 1);
      const locale = listingLocale(values.lang, ctx.locale);
      const codes = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Codebook(s, io.now).list());
      emit(io, Boolean(values.json), { codes }, () => (codes.length ? codes.map((c) => codeLine(c, locale)) : [translate(locale, 'cli.code.none')]));
      return EXIT.ok;
    }
    case 'rename': {
      const { values, positionals } = parse(rest, { definition: { type: 'string' }, color: { type: 'string' } }, 3);
      const [vault, ref, name] = positionals as [string, string, string];
      const code = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        return book.update(book.resolve(ref).id, { name, definition: typeof values.definition === 'string' ? values.definition : undefined, color: typeof values.color === 'string' ? values.color : undefined });
      });
      emit(io, Boolean(values.json), { code }, () => [`${code.id}  ${code.path.join('/')}`]);
      return EXIT.ok;
    }
    case 'move': {
      const { values, positionals } = parse(rest, { parent: { type: 'string' }, top: { type: 'boolean' } }, 2);
      if ((values.parent === undefined) === !values.top) throw new UsageError('give --parent NAME or --top');
      const [vault, ref] = positionals as [string, string];
      const code = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        return book.move(book.resolve(ref).id, values.top ? null : book.resolve(str(values.parent)).id);
      });
      emit(io, Boolean(values.json), { code }, () => [`${code.id}  ${code.path.join('/')}`]);
      return EXIT.ok;
    }
    case 'merge': {
      const { values, positionals } = parse(rest, { into: { type: 'string' } }, 2);
      if (!values.into) throw new UsageError('--into NAME is required');
      const [vault, ref] = positionals as [string, string];
      const res = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        return book.merge(book.resolve(ref).id, book.resolve(str(values.into)).id);
      });
      emit(io, Boolean(values.json), { ...res }, () => [`merged into ${res.code.path.join('/')}: ${count(res.segmentsMoved, 'segment', 'segments')} moved, ${res.segmentsJoined} overlapping joined, ${count(res.childrenMoved, 'sub-code', 'sub-codes')} moved`]);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      const [vault, ref] = positionals as [string, string];
      const res = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        const id = book.resolve(ref).id;
        return values.yes ? book.delete(id) : book.deletePreview(id);
      });
      emit(io, Boolean(values.json), { done: Boolean(values.yes), ...res }, () => [
        `${values.yes ? 'removed' : 'would remove'} ${count(res.segmentsRemoved, 'segment', 'segments')} (${res.segmentsUncoded} more keep their other codes) in ${count(res.transcripts, 'interview', 'interviews')}, ${count(res.memosRemoved, 'memo', 'memos')}; ${count(res.childrenMoved, 'sub-code', 'sub-codes')} move up`,
        ...(values.yes ? [] : ['nothing changed: add --yes to delete']),
      ]);
      return EXIT.ok;
    }
    case 'apply': {
      const { values, positionals } = parse(rest, { code: { type: 'string', multiple: true }, quote: { type: 'string' }, occurrence: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } }, 2);
      const [vault, transcriptId] = positionals as [string, string];
      const refs = (values.code as unknown as string[] | undefined) ?? [];
      if (refs.length === 0) throw new UsageError('--code NAME is required');
      const range = rangeFrom(values);
      const { seg, codes } = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        const ids = refs.map((r) => book.resolve(r).id);
        return { seg: new Coding(s, io.now).apply(transcriptId, range, ids), codes: byId(book.list()) };
      });
      emit(io, Boolean(values.json), { segment: segmentJson(seg, codes) }, () => [seg.id]);
      return EXIT.ok;
    }
    case 'unapply': {
      const { values, positionals } = parse(rest, { code: { type: 'string' } }, 2);
      if (!values.code) throw new UsageError('--code NAME is required');
      const [vault, segmentId] = positionals as [string, string];
      const { seg, codes } = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        return { seg: new Coding(s, io.now).unapply(segmentId, book.resolve(str(values.code)).id), codes: byId(book.list()) };
      });
      emit(io, Boolean(values.json), { segment: seg && segmentJson(seg, codes), removed: seg === null }, () => [seg ? `${seg.id} keeps ${count(seg.codeIds.length, 'code', 'codes')}` : `${segmentId} had no other code: removed`]);
      return EXIT.ok;
    }
    case 'quote': {
      const { values, positionals } = parse(rest, { off: { type: 'boolean' } }, 2);
      const [vault, segmentId] = positionals as [string, string];
      const seg = await withSession(vault, values, io, vaultDeps, (s) => new Coding(s, io.now).setQuote(segmentId, !values.off));
      emit(io, Boolean(values.json), { id: seg.id, quote: seg.quote }, () => [`${seg.id} ${seg.quote ? 'is a quote for the report' : 'is no longer a quote'}`]);
      return EXIT.ok;
    }
    case 'orphans': {
      const { values, positionals } = parse(rest, { keep: { type: 'string' }, drop: { type: 'string' }, quote: { type: 'string' }, occurrence: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } }, 1);
      if (values.keep && values.drop) throw new UsageError('--keep or --drop, not both');
      const vault = positionals[0]!;
      const out = await withSession(vault, values, io, vaultDeps, (s) => {
        const coding = new Coding(s, io.now);
        const codes = byId(new Codebook(s, io.now).list());
        if (typeof values.keep === 'string') coding.reattach(values.keep, rangeFrom(values));
        if (typeof values.drop === 'string') {
          if (coding.get(values.drop).orphanedAt === null) throw new UsageError(`${values.drop} is not an orphan`);
          coding.removeSegment(values.drop);
        }
        return { orphans: coding.orphans(), codes };
      });
      emit(io, Boolean(values.json), { orphans: out.orphans.map((o) => segmentJson(o, out.codes)) }, () => (out.orphans.length ? out.orphans.map((o) => segmentLine(o, out.codes)) : ['no orphaned segments']));
      return EXIT.ok;
    }
    case 'segments': {
      const { values, positionals } = parse(rest, { participant: { type: 'string' }, where: { type: 'string', multiple: true } }, 2);
      const [vault, ref] = positionals as [string, string];
      const where = many(values, 'where').map(parseWhere);
      const { segs, codes, small } = await withSession(vault, values, io, vaultDeps, (s) => {
        const book = new Codebook(s, io.now);
        const filter = typeof values.participant === 'string' ? { participant: values.participant } : {};
        const among = where.length ? filterWarning(s, io.now, where) : null;
        return {
          segs: new Coding(s, io.now).retrieve({ codeId: book.resolve(ref).id }, { ...filter, ...(among ? { participants: among.participants } : {}) }),
          codes: byId(book.list()),
          small: among?.small ? among.participants.length : 0,
        };
      });
      emit(io, Boolean(values.json), { segments: segs.map((x) => segmentJson(x, codes)), ...(where.length ? { smallGroup: small > 0 } : {}) }, () => (segs.length ? segs.map((x) => segmentLine(x, codes)) : ['no segments']));
      if (small > 0 && !values.json) io.err(translate(ctx.locale, 'attributes.smallFilter', { n: small, where: where.map((w) => `${w.name}=${w.value}`).join(', ') }));
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected code add|list|rename|move|merge|delete|apply|unapply|quote|orphans|segments');
  }
}

/** --quote TEXT [--occurrence N], or --start N --end N: exactly one of them. */
function rangeFrom(values: Record<string, string | boolean | undefined>): SegmentRange {
  const start = intOption(values.start, 'start');
  const end = intOption(values.end, 'end');
  if (typeof values.quote === 'string') {
    if (start !== undefined || end !== undefined) throw new UsageError('give --quote or --start/--end, not both');
    return { quote: values.quote, occurrence: intOption(values.occurrence, 'occurrence') };
  }
  if (start === undefined || end === undefined) throw new UsageError('give --quote "exact text" or --start N --end N');
  return { start, end };
}
