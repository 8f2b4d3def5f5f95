/** `hvelv theme …`: themes and sub-themes over the codebook. */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { count, UsageError } from '../io';
import { withSession } from '../session';
import { Codebook } from '../../core/services/analysis/codebook';
import { Themes } from '../../core/services/analysis/themes';
import { THEME_STATUSES, type ThemeStatus } from '../../../shared/analysis';
import { emit, themeLine } from './analysis-output';

export async function cmdTheme(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { parent: { type: 'string' }, definition: { type: 'string' } }, 2);
      const [vault, name] = positionals as [string, string];
      const theme = await withSession(vault, values, io, vaultDeps, (s) => {
        const themes = new Themes(s, io.now);
        return themes.add({ name, definition: str(values.definition), parentId: values.parent === undefined ? null : themes.resolve(str(values.parent)).id });
      });
      emit(io, Boolean(values.json), { theme }, () => [theme.id]);
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, {}, 1);
      const { themes, codes } = await withSession(positionals[0]!, values, io, vaultDeps, (s) => ({ themes: new Themes(s, io.now).list(), codes: new Map(new Codebook(s, io.now).list().map((c) => [c.id, c])) }));
      const depth = (id: string | null): number => (id === null ? 0 : 1 + depth(themes.find((t) => t.id === id)?.parentId ?? null));
      emit(io, Boolean(values.json), { themes }, () => (themes.length ? themes.map((t) => themeLine(t, codes, depth(t.parentId))) : ['no themes yet']));
      return EXIT.ok;
    }
    case 'assign': {
      const { values, positionals } = parse(rest, { code: { type: 'string' }, remove: { type: 'boolean' } }, 2);
      if (!values.code) throw new UsageError('--code NAME is required');
      const [vault, ref] = positionals as [string, string];
      const theme = await withSession(vault, values, io, vaultDeps, (s) => {
        const themes = new Themes(s, io.now);
        const t = themes.resolve(ref);
        const c = new Codebook(s, io.now).resolve(str(values.code));
        return values.remove ? themes.unassign(t.id, c.id) : themes.assign(t.id, c.id);
      });
      emit(io, Boolean(values.json), { theme }, () => [`${theme.name}: ${theme.codeIds.length} code(s)`]);
      return EXIT.ok;
    }
    case 'status': {
      const { values, positionals } = parse(rest, {}, 3);
      const [vault, ref, status] = positionals as [string, string, string];
      if (!(THEME_STATUSES as readonly string[]).includes(status)) throw new UsageError(`status must be one of ${THEME_STATUSES.join(', ')}`);
      const theme = await withSession(vault, values, io, vaultDeps, (s) => {
        const themes = new Themes(s, io.now);
        return themes.setStatus(themes.resolve(ref).id, status as ThemeStatus);
      });
      emit(io, Boolean(values.json), { theme }, () => [`${theme.name}: ${theme.status}`]);
      return EXIT.ok;
    }
    case 'rename': {
      const { values, positionals } = parse(rest, { definition: { type: 'string' } }, 3);
      const [vault, ref, name] = positionals as [string, string, string];
      const theme = await withSession(vault, values, io, vaultDeps, (s) => {
        const themes = new Themes(s, io.now);
        return themes.update(themes.resolve(ref).id, { name, definition: typeof values.definition === 'string' ? values.definition : undefined });
      });
      emit(io, Boolean(values.json), { theme }, () => [`${theme.id}  ${theme.name}`]);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a theme cannot be undone: add --yes (its codes stay in the codebook)');
      const [vault, ref] = positionals as [string, string];
      const res = await withSession(vault, values, io, vaultDeps, (s) => {
        const themes = new Themes(s, io.now);
        return themes.delete(themes.resolve(ref).id);
      });
      emit(io, Boolean(values.json), { ...res }, () => [`deleted; ${count(res.subThemesMoved, 'sub-theme', 'sub-themes')} moved up, ${count(res.memosRemoved, 'memo', 'memos')} removed`]);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected theme add|list|assign|status|rename|delete');
  }
}
