import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { UsageError } from '../io';
import { Recordings } from '../../core/services/recordings/recordings';
import { withSession } from '../session';

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
        const started = Date.now();
        let shown = 0;
        const imported = await rec.import(code, file, {
          // On a terminal only, and only for an import that takes longer than a second:
          // how far, how fast, and about how long is left (the waveform is made in the same pass).
          onProgress: ({ bytes, total }) => {
            const elapsed = Date.now() - started;
            if (!io.isTty || elapsed < 1000 || Date.now() - shown < 250) return;
            shown = Date.now();
            io.err(`\r${progressLine(bytes, total, elapsed)}`);
          },
        });
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
      const started = Date.now();
      let shown = 0;
      const res = await withSession(positionals[0]!, values, io, vaultDeps, (s) =>
        new Recordings(s, io.now).export(positionals[1]!, str(values.out), {
          onProgress: ({ bytes, total }) => {
            const elapsed = Date.now() - started;
            if (!io.isTty || elapsed < 1000 || Date.now() - shown < 250) return;
            shown = Date.now();
            io.err(`\r${progressLine(bytes, total, elapsed)}`);
          },
        }),
      );
      io.out(values.json ? JSON.stringify({ ok: true, out: str(values.out), sha256: res.sha256 }) : `wrote ${str(values.out)} (sha256 ${res.sha256}, identical to the original)`);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a recording cannot be undone: add --yes');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).delete(positionals[1]!));
      io.out(values.json ? JSON.stringify({ ok: true }) : `deleted ${positionals[1]}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected audio import|list|export|delete');
  }
}

/** "42%  310 MB/s  ~0:03": how far, how fast, about how long is left (stderr, a terminal only). */
function progressLine(bytes: number, total: number, elapsedMs: number): string {
  const mbs = bytes / 1e6 / Math.max(0.001, elapsedMs / 1000);
  const left = bytes > 0 ? Math.max(0, Math.round((((total - bytes) / bytes) * elapsedMs) / 1000)) : null;
  return `${Math.floor((bytes / Math.max(total, 1)) * 100)}%  ${mbs.toFixed(0)} MB/s${left === null ? '' : `  ~${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}   `;
}
