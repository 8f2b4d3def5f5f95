import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { UsageError } from '../io';
import { Recordings } from '../../core/services/recordings/recordings';
import { withSession } from '../session';
import { terminalProgress } from '../progress';

export async function cmdAudio(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import': {
      const { values, positionals } = parse(rest, { 'delete-original': { type: 'boolean' } }, 3);
      const [vault, code, file] = positionals as [string, string, string];
      const info = await withSession(vault, values, io, vaultDeps, async (s) => {
        const rec = new Recordings(s, io.now);
        // On a terminal only, past a second (the waveform is made in the same pass).
        const imported = await rec.import(code, file, { onProgress: terminalProgress(io) });
        if (values['delete-original']) await rec.deleteOriginal(imported.id, file);
        return imported;
      });
      if (values.json) io.out(JSON.stringify({ ok: true, recording: info, originalDeleted: Boolean(values['delete-original']) }));
      else {
        io.out(info.id);
        if (values['delete-original']) io.err('The original was overwritten and removed. On SSDs and in backups copies may remain.');
      }
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, {}, 1);
      const list = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).list());
      const rows = list.map((r) => ({ id: r.id, code: r.code, durationS: Math.round(r.durationMs / 100) / 10, codec: r.codec, format: r.format, size: r.size, sha256: r.sha256 }));
      if (values.json) io.out(JSON.stringify({ ok: true, recordings: rows }));
      else for (const r of rows) io.out(`${r.id}  ${r.code.padEnd(8)} ${String(r.durationS).padStart(8)} s  ${r.format.padEnd(5)} ${r.codec.padEnd(16)} ${String(r.size).padStart(12)}  ${r.sha256}`);
      return EXIT.ok;
    }
    case 'export': {
      const { values, positionals } = parse(rest, { out: { type: 'string' } }, 2);
      if (!values.out) throw new UsageError('--out FILE is required');
      const res = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).export(positionals[1]!, str(values.out), { onProgress: terminalProgress(io) }));
      io.out(values.json ? JSON.stringify({ ok: true, out: str(values.out), sha256: res.sha256 }) : `wrote ${str(values.out)} (sha256 ${res.sha256}, identical to the original)`);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a recording cannot be undone: add --yes');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).delete(positionals[1]!, { onProgress: terminalProgress(io) }));
      io.out(values.json ? JSON.stringify({ ok: true }) : `deleted ${positionals[1]}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected audio import|list|export|delete');
  }
}
