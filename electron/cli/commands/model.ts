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

export async function cmdModel(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const { KNOWN_MODELS, checkModel, listModelFiles, modelsDir } = await import('../../core/services/asr/models');
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list': {
      const { values } = parse(rest, {}, 0);
      const dataDir = appDataDir(io.env);
      const files = listModelFiles(dataDir);
      if (values.json) {
        io.out(JSON.stringify({ ok: true, folder: modelsDir(dataDir), files, known: KNOWN_MODELS }));
        return EXIT.ok;
      }
      io.out(`models folder: ${modelsDir(dataDir)}`);
      if (files.length === 0) io.out('  (no model folders yet)');
      for (const f of files) io.out(`  ${path.basename(f.file).padEnd(32)} ${(f.bytes / 2 ** 20).toFixed(0).padStart(6)} MiB`);
      io.out('\nmodels Hvelv knows (download once, unpack the archive into a folder of its own in the models folder):');
      for (const m of KNOWN_MODELS) io.out(`  ${m.name.padEnd(24)} ${m.licence.padEnd(11)} ${m.sha256 ? 'SHA-256 listed' : 'no hash listed yet'}  ${m.url}`);
      return EXIT.ok;
    }
    case 'check': {
      const { values, positionals } = parse(rest, {}, 1);
      const c = await checkModel(positionals[0]!);
      if (values.json) {
        io.out(JSON.stringify({ ok: true, file: c.file, bytes: c.bytes, sha256: c.sha256, size: c.size, type: c.header.type, multilingual: c.header.multilingual, known: c.known?.id ?? null }));
        return EXIT.ok;
      }
      io.out(`${path.basename(c.file)}: Whisper model (sherpa-onnx), ${c.size} (${c.header.textLayers} layers), ${c.header.type}, ${c.header.multilingual ? 'multilingual' : 'English only'}, ${(c.bytes / 2 ** 20).toFixed(1)} MiB`);
      for (const [name, h] of Object.entries(c.sha256)) io.out(`SHA-256 ${h}  ${name}`);
      io.out(c.known ? translate(locale, 'asr.model.known', { name: c.known.name }) : translate(locale, 'asr.model.unknown'));
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected model list|check');
  }
}
