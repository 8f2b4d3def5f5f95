/** Playback over HTTP Range, as both the app's protocol and the harness serve it. */
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mediaResponse } from '../../electron/main/media';
import { SessionManager } from '../../electron/core/services/project/session-manager';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { StreamReader, CHUNK_SIZE } from '../../electron/core/crypto/stream';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

async function body(r: { body: ReadableStream<Uint8Array> | null }): Promise<Buffer> {
  if (!r.body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  for await (const p of r.body as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

async function setup() {
  const { session } = await makeVault();
  const code = admit(session);
  const file = path.join(tempDir(), 'a.wav');
  const bytes = makeWav(file, 10, 4); // 320 KB: 5 chunks
  const info = await new Recordings(session, NOW).import(code, file);
  const sessions = new SessionManager(() => undefined, { setTimeout: () => 0, clearTimeout: () => undefined });
  sessions.open(session);
  return { sessions, info, bytes };
}

afterEach(() => vi.restoreAllMocks());

describe('media responses', () => {
  it('206 with Content-Range for a range, decrypting only the chunk it lies in', async () => {
    const { sessions, info, bytes } = await setup();
    const spy = vi.spyOn(StreamReader.prototype, 'chunk');
    const r = mediaResponse(sessions, NOW, info.id, `bytes=${2 * CHUNK_SIZE + 10}-${2 * CHUNK_SIZE + 1009}`);
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes ${2 * CHUNK_SIZE + 10}-${2 * CHUNK_SIZE + 1009}/${bytes.length}`);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.headers['content-type']).toBe('audio/wav');
    expect((await body(r)).equals(bytes.subarray(2 * CHUNK_SIZE + 10, 2 * CHUNK_SIZE + 1010))).toBe(true);
    // One for the open-time check of the final chunk, one for the chunk served.
    expect(spy.mock.calls.map((c) => c[0])).toEqual([4, 2]);
    sessions.lock('user');
  });

  it('bytes=0- streams the whole recording as 206; no Range gives 200', async () => {
    const { sessions, info, bytes } = await setup();
    const a = mediaResponse(sessions, NOW, info.id, 'bytes=0-');
    expect(a.status).toBe(206);
    expect((await body(a)).equals(bytes)).toBe(true);
    const b = mediaResponse(sessions, NOW, info.id, null);
    expect(b.status).toBe(200);
    expect(b.headers['accept-ranges']).toBe('bytes');
    expect((await body(b)).equals(bytes)).toBe(true);
    sessions.lock('user');
  });

  it('locking closes a stream the player left open, wiping its key', async () => {
    const { sessions, info } = await setup();
    const closes = vi.spyOn(StreamReader.prototype, 'close');
    const r = mediaResponse(sessions, NOW, info.id, 'bytes=0-');
    const it = (r.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await it.next(); // one chunk played, then the player idles
    expect(closes).not.toHaveBeenCalled();
    sessions.lock('idle');
    expect(closes).toHaveBeenCalledTimes(1);
    // At most the chunk already queued is still delivered; then the stream ends.
    let more = 0;
    while (!(await it.next()).done) more++;
    expect(more).toBeLessThanOrEqual(1);
  });

  it('416 past the end; 404 for no such recording; 403 when locked', async () => {
    const { sessions, info, bytes } = await setup();
    const r = mediaResponse(sessions, NOW, info.id, `bytes=${bytes.length}-`);
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${bytes.length}`);
    expect(mediaResponse(sessions, NOW, 'f'.repeat(32), null).status).toBe(404);
    expect(mediaResponse(sessions, NOW, '../../etc/passwd', null).status).toBe(404);
    sessions.lock('user');
    expect(mediaResponse(sessions, NOW, info.id, null).status).toBe(403);
  });
});
