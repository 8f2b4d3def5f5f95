/** `hvelv memo …` and `hvelv phase …`: memos on anything in the analysis, the phase the project is in. */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { UsageError } from '../io';
import { withSession } from '../session';
import type { VaultSession } from '../../core/vault/vault';
import { Codebook } from '../../core/services/analysis/codebook';
import { Themes } from '../../core/services/analysis/themes';
import { Memos, Phases } from '../../core/services/analysis/memos';
import { PHASES, type MemoTarget, type Phase } from '../../../shared/analysis';
import { emit, memoLine } from './analysis-output';

/** `--on kind[:ref]`: a code or theme by name or id, the rest by id. */
function target(s: VaultSession, on: string, now: () => Date): MemoTarget {
  const i = on.indexOf(':');
  const kind = i < 0 ? on : on.slice(0, i);
  const ref = i < 0 ? '' : on.slice(i + 1);
  if (kind === 'project' || kind === 'journal') {
    if (ref) throw new UsageError(`--on ${kind} takes no name`);
    return { kind };
  }
  if (!ref) throw new UsageError(`--on ${kind}:<${kind === 'code' || kind === 'theme' ? 'name' : 'id'}>`);
  if (kind === 'code') return { kind, id: new Codebook(s, now).resolve(ref).id };
  if (kind === 'theme') return { kind, id: new Themes(s, now).resolve(ref).id };
  if (kind === 'transcript' || kind === 'segment') return { kind, id: ref };
  throw new UsageError('--on project|journal|transcript:<id>|code:<name>|theme:<name>|segment:<id>');
}

export async function cmdMemo(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { on: { type: 'string' }, text: { type: 'string' }, private: { type: 'boolean' } }, 1);
      if (!values.on) throw new UsageError('--on is required');
      if (typeof values.text !== 'string') throw new UsageError('--text TEXT is required');
      const memo = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Memos(s, io.now).add({ target: target(s, str(values.on), io.now), text: str(values.text), private: Boolean(values.private) }));
      emit(io, Boolean(values.json), { memo }, () => [memo.id]);
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, { on: { type: 'string' } }, 1);
      const memos = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Memos(s, io.now).list(values.on ? { target: target(s, str(values.on), io.now) } : {}));
      emit(io, Boolean(values.json), { memos }, () => (memos.length ? memos.map(memoLine) : ['no memos']));
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a memo cannot be undone: add --yes');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Memos(s, io.now).delete(positionals[1]!));
      emit(io, Boolean(values.json), {}, () => [`deleted ${positionals[1]}`]);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected memo add|list|delete');
  }
}

export async function cmdPhase(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  if (sub !== 'show' && sub !== 'set') throw new UsageError('expected phase show|set');
  const { values, positionals } = parse(rest, {}, sub === 'set' ? 2 : 1);
  if (sub === 'set' && !(PHASES as readonly string[]).includes(positionals[1]!)) throw new UsageError(`phase must be one of ${PHASES.join(', ')}`);
  const state = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
    const p = new Phases(s, io.now);
    return sub === 'set' ? p.set(positionals[1] as Phase) : p.get();
  });
  emit(io, Boolean(values.json), { phase: state }, () => [state.current, ...state.history.map((h) => `  ${h.at.slice(0, 10)}  ${h.phase}`)]);
  return EXIT.ok;
}
