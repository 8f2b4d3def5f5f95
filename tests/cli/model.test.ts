/** `hvelv model install|list|remove`, in process, against a server on 127.0.0.1 in this process. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { modelArchive } from '../core/model-archive';
import { tempDir } from '../core/helpers';

function fakeIo(env: Record<string, string | undefined>): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, isTty: false, promptHidden: () => Promise.reject(new Error('no terminal')), now: () => new Date('2026-11-27T12:00:00Z') };
}

let made: ReturnType<typeof modelArchive>;
let server: http.Server;
let base: string;

beforeAll(async () => {
  made = modelArchive(tempDir('hvelv-cli-model-'), 'sherpa-onnx-whisper-micro');
  server = http.createServer((_req, res) => {
    res.setHeader('content-length', made.archive.length);
    res.end(made.archive);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => server?.close());

describe('hvelv model', () => {
  it('installs from 127.0.0.1 with --sha256, lists it verified with the known models and their hashes, removes it', async () => {
    const dataDir = tempDir('hvelv-data-');
    const env = { HVELV_DATA_DIR: dataDir, LANG: 'nb_NO.UTF-8' };
    const io = fakeIo(env);
    expect(await run(['model', 'install', `${base}/sherpa-onnx-whisper-micro.tar.bz2`, '--sha256', made.sha256], io), io.stderr.join('\n')).toBe(EXIT.ok);
    expect(io.stdout.join('\n')).toContain('Verifisert');

    const list = fakeIo(env);
    expect(await run(['model', 'list', '--json'], list)).toBe(EXIT.ok);
    const l = JSON.parse(list.stdout[0]!);
    expect(l.installed).toEqual([expect.objectContaining({ name: 'sherpa-onnx-whisper-micro', verified: true, problem: null })]);
    // The known list: Whisper tiny, base, small with their archive's size and SHA-256; medium honestly without.
    expect(l.known.map((k: { id: string }) => k.id)).toEqual(['whisper-tiny', 'whisper-base', 'whisper-small', 'whisper-medium']);
    expect(l.known[1]).toMatchObject({ sha256: '911b2083efd7c0dca2ac3b358b75222660dc09fb716d64fbfc417ba6c99ff3de', archiveBytes: 207_557_382, expectedRealtime: expect.any(Number) });
    expect(l.known[3]).toMatchObject({ sha256: null, expectedRealtime: null });
    const text = fakeIo(env);
    expect(await run(['model', 'list'], text)).toBe(EXIT.ok);
    expect(text.stdout.join('\n')).toMatch(/sherpa-onnx-whisper-micro .* verified/);
    expect(text.stdout.join('\n')).toContain('no SHA-256 known: installed as not verified');

    // The same archive as a file without a hash: refused by name (already there); once removed, installed not verified.
    const again = fakeIo(env);
    expect(await run(['model', 'install', made.file, '--json'], again)).toBe(EXIT.other);
    const rm = fakeIo(env);
    expect(await run(['model', 'remove', 'sherpa-onnx-whisper-micro'], rm)).toBe(EXIT.ok);
    expect(fs.readdirSync(path.join(dataDir, 'models'))).toEqual([]);
    const file = fakeIo(env);
    expect(await run(['model', 'install', made.file, '--json'], file)).toBe(EXIT.ok);
    expect(JSON.parse(file.stdout[0]!)).toMatchObject({ ok: true, verified: false, known: null, sha256: made.sha256 });
    const plain = fakeIo({ ...env, LANG: 'en_GB.UTF-8' });
    expect(await run(['model', 'remove', 'sherpa-onnx-whisper-micro'], plain)).toBe(EXIT.ok);

    // http off the loopback is refused before any connection, with nothing made.
    const refused = fakeIo(env);
    expect(await run(['model', 'install', 'http://example.org/m.tar.bz2', '--json'], refused)).toBe(EXIT.usage);
    expect(JSON.parse(refused.stdout[0] ?? refused.stderr[0]!)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(fs.readdirSync(path.join(dataDir, 'models'))).toEqual([]);
  }, 120_000);
});
