/**
 * Serves the built renderer from app://hvelv/ instead of file://, so the page has
 * a real origin (file:// pages can read other local files) and every response
 * carries our CSP. Only files inside the renderer folder are served.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY, MEDIA_SCHEME } from './security';
import { mediaResponse, shareMediaResponse } from './media';
import type { SupervisorFolderRef } from './supervisor-handlers';
import type { SessionManager } from '../core/services/session-manager';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false } },
    // stream: the audio element reads ranges as it plays, instead of waiting for the whole body.
    // fetch: the transcription workspace reads a recording once, in memory, to draw its
    // waveform (Web Audio decodes it in the page; nothing decoded is written anywhere).
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

/** hvelv-media://recording/<id>: decrypted audio for the player, never written to disk. */
export function serveMedia(sessions: SessionManager, now: () => Date, folder?: SupervisorFolderRef): void {
  protocol.handle(MEDIA_SCHEME, (request) => {
    const url = new URL(request.url);
    // hvelv-media://share/<vaultId>/<id>: a recording held with a supervisor's share.
    if (url.host === 'share' && folder) {
      const [, vaultId = '', id = ''] = url.pathname.split('/');
      const r = shareMediaResponse(folder, vaultId, id, request.headers.get('range'));
      return new Response(r.body, { status: r.status, headers: r.headers });
    }
    const id = url.host === 'recording' ? url.pathname.replace(/^\//, '') : '';
    const r = mediaResponse(sessions, now, id, request.headers.get('range'));
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
}

export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return new Response('not found', { status: 404 });
    }
    return new Response(fs.readFileSync(file), {
      headers: {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
