import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse } from '../args';
import { UsageError } from '../io';
import { translate } from '../../../shared/i18n/catalogue';

/**
 * The app's data folder as Electron names it (userData for the app "hvelv"), so the
 * CLI and the app see the same models; HVELV_DATA_DIR overrides it.
 */
export function appDataDir(env: Record<string, string | undefined>): string {
  if (env.HVELV_DATA_DIR) return env.HVELV_DATA_DIR;
  const home = env.HOME ?? os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'hvelv');
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'hvelv');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'hvelv');
}

/** A known model's size class by its decoder layers. */
const SIZE_OF_LAYERS: Record<number, string> = { 4: 'tiny', 6: 'base', 12: 'small', 24: 'medium' };

export async function cmdModel(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const { KNOWN_MODELS, checkModel, expectedRealtime, listModelFiles, modelsDir } = await import('../../core/services/asr/models');
  const [sub, ...rest] = args;
  const dataDir = appDataDir(io.env);
  const cores = os.availableParallelism();
  switch (sub) {
    case 'list': {
      const { values } = parse(rest, {}, 0);
      const files = listModelFiles(dataDir);
      const installed: { name: string; bytes: number; size: string | null; type: string | null; multilingual: boolean | null; verified: boolean; known: string | null; expectedRealtime: number | null; problem: string | null }[] = [];
      for (const f of files) {
        const name = path.basename(f.file);
        try {
          const c = await checkModel(f.file);
          installed.push({ name, bytes: f.bytes, size: c.size, type: c.header.type, multilingual: c.header.multilingual, verified: c.verified, known: c.known?.id ?? null, expectedRealtime: expectedRealtime(c.size, cores), problem: null });
        } catch (err) {
          installed.push({ name, bytes: f.bytes, size: null, type: null, multilingual: null, verified: false, known: null, expectedRealtime: null, problem: (err as { code?: string }).code ?? 'FILE_UNREADABLE' });
        }
      }
      const known = KNOWN_MODELS.map((m) => ({ id: m.id, name: m.name, languages: m.languages, licence: m.licence, url: m.url, archiveBytes: m.archiveBytes, sha256: m.sha256, expectedRealtime: expectedRealtime(SIZE_OF_LAYERS[m.layers] ?? 'other', cores), installed: installed.some((i) => i.name === m.id) }));
      if (values.json) {
        io.out(JSON.stringify({ ok: true, folder: modelsDir(dataDir), cores, files, installed, known }));
        return EXIT.ok;
      }
      const mib = (b: number | null) => (b === null ? '?' : (b / 2 ** 20).toFixed(0));
      const speed = (x: number | null) => (x === null ? 'not measured' : `~${x}x real time`);
      io.out(`models folder: ${modelsDir(dataDir)}`);
      if (installed.length === 0) io.out('  (no models installed yet)');
      for (const i of installed) {
        const what = i.problem ? `cannot be used (${i.problem})` : `${i.size} ${i.type}${i.multilingual ? '' : ', English only'}, ${speed(i.expectedRealtime)}, ${i.verified ? 'verified' : 'not verified'}`;
        io.out(`  ${i.name.padEnd(28)} ${mib(i.bytes).padStart(6)} MiB  ${what}`);
      }
      io.out(`\nmodels Hvelv knows (hvelv model install URL; expected speed on this machine's ${cores} cores, from docs/benchmarks.md, an upper bound):`);
      for (const m of known) {
        io.out(`  ${m.id.padEnd(16)} ${mib(m.archiveBytes).padStart(5)} MiB  ${m.languages.join('+').padEnd(6)} ${speed(m.expectedRealtime).padEnd(18)} ${m.sha256 ? `SHA-256 ${m.sha256}` : 'no SHA-256 known: installed as not verified'}${m.installed ? '  [installed]' : ''}`);
        io.out(`  ${''.padEnd(16)} ${m.url}`);
      }
      return EXIT.ok;
    }
    case 'install': {
      const { values, positionals } = parse(rest, { sha256: { type: 'string' } }, 1);
      const { installModel } = await import('../../core/services/asr/install');
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      const start = Date.now();
      try {
        const m = await installModel({
          modelsDir: modelsDir(dataDir),
          source: positionals[0]!,
          sha256: typeof values.sha256 === 'string' ? values.sha256 : null,
          signal: ac.signal,
          onProgress: (p) => {
            if (!io.isTty || values.json) return;
            const pct = p.total ? ` ${Math.floor((p.bytes / p.total) * 100)} %` : '';
            io.err(`\r${p.phase} ${(p.bytes / 2 ** 20).toFixed(1)}${p.total ? ` / ${(p.total / 2 ** 20).toFixed(1)}` : ''} MiB${pct}, ${Math.round((Date.now() - start) / 1000)} s   `);
          },
        });
        if (io.isTty && !values.json) io.err('\n');
        if (values.json) {
          io.out(JSON.stringify({ ok: true, name: m.name, dir: m.dir, bytes: m.bytes, verified: m.verified, known: m.known?.id ?? null, sha256: m.archiveSha256 }));
          return EXIT.ok;
        }
        io.out(translate(locale, 'asr.model.installed', { name: m.name, dir: m.dir }));
        io.out(m.verified ? translate(locale, 'asr.model.verifiedInstall', { hash: m.archiveSha256 }) : translate(locale, 'asr.model.notVerified'));
        return EXIT.ok;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    }
    case 'remove': {
      const { values, positionals } = parse(rest, {}, 1);
      const { removeModel } = await import('../../core/services/asr/install');
      removeModel(modelsDir(dataDir), positionals[0]!);
      if (values.json) io.out(JSON.stringify({ ok: true, removed: positionals[0] }));
      else io.out(translate(locale, 'asr.model.removed', { name: positionals[0]! }));
      return EXIT.ok;
    }
    case 'check': {
      const { values, positionals } = parse(rest, {}, 1);
      const c = await checkModel(positionals[0]!);
      if (values.json) {
        io.out(JSON.stringify({ ok: true, file: c.file, bytes: c.bytes, sha256: c.sha256, size: c.size, type: c.header.type, multilingual: c.header.multilingual, known: c.known?.id ?? null, verified: c.verified }));
        return EXIT.ok;
      }
      io.out(`${path.basename(c.file)}: Whisper model (sherpa-onnx), ${c.size} (${c.header.textLayers} layers), ${c.header.type}, ${c.header.multilingual ? 'multilingual' : 'English only'}, ${(c.bytes / 2 ** 20).toFixed(1)} MiB`);
      for (const [name, h] of Object.entries(c.sha256)) io.out(`SHA-256 ${h}  ${name}`);
      io.out(c.known ? translate(locale, 'asr.model.known', { name: c.known.name }) : translate(locale, 'asr.model.unknown'));
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected model list|install|remove|check');
  }
}
