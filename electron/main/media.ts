/**
 * Playback of recordings without writing anything decrypted to disk: answers HTTP
 * requests for /recording/<id>, honouring Range (206, and 416 when out of range), and
 * decrypts only the 64 KiB chunks the requested bytes lie in, as the player pulls
 * them. Imports no Electron: the app's custom protocol and the test harness both
 * serve through it.
 */
import { CHUNK_SIZE } from '../core/crypto/stream';
import { HvelvError } from '../core/errors';
import { parseRange } from '../core/services/recordings/range';
import { Recordings } from '../core/services/recordings/recordings';
import type { SessionManager } from '../core/services/project/session-manager';
import type { SupervisorFolderRef } from './supervisor-handlers';

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

const MIME: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  webm: 'audio/webm',
};

export function mediaResponse(sessions: SessionManager, now: () => Date, id: string, rangeHeader: string | null): MediaResponse {
  const plain = (status: number): MediaResponse => ({ status, headers: { 'cache-control': 'no-store' }, body: null });
  const session = sessions.current;
  if (!session) return plain(403);
  if (!/^[0-9a-f]{32}$/.test(id)) return plain(404);
  const recordings = new Recordings(session, now);
  let info;
  try {
    info = recordings.get(id);
  } catch (err) {
    if (err instanceof HvelvError && err.code === 'NOT_FOUND') return plain(404);
    throw err;
  }
  return rangeResponse(info.size, info.format, rangeHeader, () => recordings.open(id), session);
}

/**
 * A held recording of a share, on the supervisor's side (`share/<vaultId>/<id>`): the same
 * answers (no-store, ranges, chunk by chunk). `folder` is the open supervisor folder, or null.
 */
export function shareMediaResponse(folder: SupervisorFolderRef, vaultId: string, id: string, rangeHeader: string | null): MediaResponse {
  const plain = (status: number): MediaResponse => ({ status, headers: { 'cache-control': 'no-store' }, body: null });
  const current = folder.current;
  if (!current || current.session.isLocked) return plain(403);
  if (!/^[0-9a-f]{32}$/.test(vaultId) || !/^[0-9a-f]{32}$/.test(id)) return plain(404);
  let opened;
  try {
    opened = current.held.openRecording(vaultId, id);
  } catch (err) {
    // An unknown recording, or a copy whose end date has come (destroyed on the spot).
    if (err instanceof HvelvError && (err.code === 'NOT_FOUND' || err.code === 'SHARE_EXPIRED')) return plain(404);
    throw err;
  }
  const { reader, size, format } = opened;
  const r = rangeResponse(size, format, rangeHeader, () => reader, current.session);
  // No body to read it (an empty recording, a range outside it): closed now.
  if (!r.body) reader.close();
  return r;
}

/** Both sessions: the student's vault and the supervisor's folder. */
interface Lockable {
  readonly isLocked: boolean;
  onLock(fn: () => void): () => void;
}

function rangeResponse(size: number, format: string, rangeHeader: string | null, open: () => { read(a: number, b: number): Buffer; close(): void }, lock: Lockable): MediaResponse {
  const locked = () => lock.isLocked;
  const range = parseRange(rangeHeader, size);
  const base = { 'content-type': MIME[format] ?? 'application/octet-stream', 'accept-ranges': 'bytes', 'cache-control': 'no-store' };
  if (range.kind === 'unsatisfiable') return { status: 416, headers: { ...base, 'content-range': `bytes */${size}` }, body: null };
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  const headers: Record<string, string> = { ...base, 'content-length': String(Math.max(0, end - start + 1)) };
  if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${size}`;
  if (size === 0) return { status: 200, headers, body: null };
  const opened = open();
  let closed = false;
  // Locking closes the reader (and wipes its key) even if the player never asks again.
  const unhook = lock.onLock(() => reader.close());
  const reader = {
    read: (a: number, b: number) => opened.read(a, b),
    close: () => {
      if (!closed) opened.close();
      closed = true;
      unhook();
    },
  };
  let pos = start;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      try {
        if (pos > end || locked() || closed) {
          reader.close();
          controller.close();
          return;
        }
        // Up to the end of the current chunk: one decryption per pull.
        const stop = Math.min(end, pos - (pos % CHUNK_SIZE) + CHUNK_SIZE - 1);
        controller.enqueue(new Uint8Array(reader.read(pos, stop)));
        pos = stop + 1;
      } catch (err) {
        reader.close();
        controller.error(err);
      }
    },
    cancel() {
      reader.close();
    },
  });
  return { status: range.kind === 'partial' ? 206 : 200, headers, body };
}
