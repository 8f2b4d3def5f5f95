/** `hvelv attribute …`: participant attributes to compare coded passages by, generalised by default. */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { UsageError } from '../io';
import { translate } from '../../../shared/i18n/catalogue';
import { ATTRIBUTE_KINDS, type AttributeKind, type SmallGroup } from '../../../shared/attributes';
import type { Locale } from '../../../shared/i18n/locale';
import { withSession } from '../session';
import { Attributes } from '../../core/services/attributes/attributes';
import { compare } from '../../core/services/attributes/compare';
import { smallGroups } from '../../core/services/attributes/groups';
import { emit } from './analysis-output';

export function smallGroupsLine(locale: Locale, groups: readonly SmallGroup[]): string {
  const list = groups
    .slice(0, 5)
    .map((g) => `${Object.entries(g.values).map(([k, v]) => `${k}=${v}`).join(', ')} (${g.participants})`)
    .join('; ');
  return translate(locale, 'attributes.smallGroups', { n: groups.length, groups: groups.length > 5 ? `${list}; …` : list });
}

export async function cmdAttribute(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  switch (sub) {
    case 'define': {
      const { values, positionals } = parse(
        rest,
        { kind: { type: 'string' }, values: { type: 'string' }, 'label-nb': { type: 'string' }, 'label-en': { type: 'string' }, identifying: { type: 'boolean' } },
        2,
      );
      const [vault, name] = positionals as [string, string];
      const kind = values.kind === undefined ? undefined : str(values.kind);
      if (kind !== undefined && !(ATTRIBUTE_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be ${ATTRIBUTE_KINDS.join('|')}`);
      const attribute = await withSession(vault, values, io, vaultDeps, (s) =>
        new Attributes(s, io.now).define({
          name,
          kind: kind as AttributeKind | undefined,
          values: values.values === undefined ? undefined : str(values.values).split(','),
          labels: { nb: values['label-nb'] === undefined ? undefined : str(values['label-nb']), en: values['label-en'] === undefined ? undefined : str(values['label-en']) },
          identifying: Boolean(values.identifying),
        }),
      );
      emit(io, Boolean(values.json), { attribute }, () => [`${attribute.name} (${attribute.kind}${attribute.values.length ? `: ${attribute.values.join(', ')}` : ''}${attribute.identifying ? ', identifying' : ''})`]);
      return EXIT.ok;
    }
    case 'set': {
      const { values, positionals } = parse(rest, { exact: { type: 'boolean' }, clear: { type: 'boolean' } }, 3);
      const [vault, code, pair] = positionals as [string, string, string];
      const i = pair.indexOf('=');
      if (i <= 0) throw new UsageError(`"${pair}": write name=value`);
      const name = pair.slice(0, i);
      const raw = pair.slice(i + 1);
      const res = await withSession(vault, values, io, vaultDeps, (s) => {
        const attrs = new Attributes(s, io.now);
        if (values.clear || raw === '') return { cleared: attrs.clear(code, name) };
        const set = attrs.set(code, name, raw, { exact: Boolean(values.exact), locale });
        return { ...set, small: smallGroups(s, io.now) };
      });
      if ('cleared' in res) {
        emit(io, Boolean(values.json), res, () => [res.cleared ? `${code}: ${name} removed` : `${code} had no ${name}`]);
        return EXIT.ok;
      }
      emit(io, Boolean(values.json), { stored: res.stored, suggestion: res.suggestion, generalised: res.generalised, smallGroups: res.small }, () => [
        `${code}: ${res.stored.name}=${res.stored.value}`,
        ...(res.generalised ? [`${translate(locale, `attributes.suggest.${res.suggestion!.rule}`, { value: res.suggestion!.value })} (--exact keeps "${raw.trim()}")`] : []),
        ...(res.stored.exact ? [translate(locale, 'attributes.exact')] : []),
      ]);
      if (!values.json && res.small.length > 0) io.err(smallGroupsLine(locale, res.small));
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, {}, 1);
      const [vault] = positionals as [string];
      const out = await withSession(vault, values, io, vaultDeps, (s) => {
        const attrs = new Attributes(s, io.now);
        return { attributes: attrs.list(), participants: Object.fromEntries([...attrs.table()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))), smallGroups: smallGroups(s, io.now) };
      });
      emit(io, Boolean(values.json), out, () => [
        ...(out.attributes.length === 0 ? [translate(locale, 'attributes.none')] : out.attributes.map((a) => `${a.name}  ${a.kind}${a.values.length ? ` (${a.values.join(', ')})` : ''}${a.identifying ? '  identifying' : ''}  nb: ${a.labels.nb}  en: ${a.labels.en}`)),
        ...Object.entries(out.participants).map(([code, row]) => `${code}  ${Object.entries(row).map(([k, v]) => `${k}=${v}`).join('  ')}`),
      ]);
      if (!values.json && out.smallGroups.length > 0) io.err(smallGroupsLine(locale, out.smallGroups));
      return EXIT.ok;
    }
    case 'compare': {
      const { values, positionals } = parse(rest, {}, 2);
      const [vault, name] = positionals as [string, string];
      const table = await withSession(vault, values, io, vaultDeps, (s) => compare(s, io.now, name));
      const head = table.columns.map((c, i) => translate(locale, 'attributes.column', { value: c || translate(locale, 'attributes.noValue'), n: table.columnParticipants[i]! }));
      emit(io, Boolean(values.json), { table }, () => [
        ['code', ...head].join('\t'),
        ...table.rows.map((r) => [r.path.join('/'), ...r.cells.map((c) => `${c.passages}/${c.participants}`)].join('\t')),
        '(passages/participants)',
      ]);
      if (!values.json && table.smallColumns.length > 0) io.err(smallGroupsLine(locale, table.smallColumns.map((c) => ({ values: { [table.attribute.name]: c }, participants: table.columnParticipants[table.columns.indexOf(c)]! }))));
      return EXIT.ok;
    }
    case 'update': {
      const { values, positionals } = parse(rest, { values: { type: 'string' }, 'label-nb': { type: 'string' }, 'label-en': { type: 'string' }, identifying: { type: 'boolean' }, 'not-identifying': { type: 'boolean' } }, 2);
      const [vault, name] = positionals as [string, string];
      if (values.identifying && values['not-identifying']) throw new UsageError('--identifying or --not-identifying, not both');
      const attribute = await withSession(vault, values, io, vaultDeps, (s) =>
        new Attributes(s, io.now).update(name, {
          values: values.values === undefined ? undefined : str(values.values).split(','),
          labels: { ...(values['label-nb'] === undefined ? {} : { nb: str(values['label-nb']) }), ...(values['label-en'] === undefined ? {} : { en: str(values['label-en']) }) },
          identifying: values.identifying ? true : values['not-identifying'] ? false : undefined,
        }),
      );
      emit(io, Boolean(values.json), { attribute }, () => [`${attribute.name} updated`]);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      const [vault, name] = positionals as [string, string];
      if (!values.yes) throw new UsageError('deleting an attribute removes every participant\'s value of it: add --yes');
      const res = await withSession(vault, values, io, vaultDeps, (s) => new Attributes(s, io.now).remove(name));
      emit(io, Boolean(values.json), res, () => [`${name} deleted with ${res.values} value(s)`]);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected attribute define|set|list|compare|update|delete');
  }
}
