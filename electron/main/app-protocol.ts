/**
 * Serves everything the page loads from app://hvelv/: the built renderer (instead of
 * file://, so the page has a real origin and every response carries our CSP), the
 * recordings under /media/ (decrypted chunk by chunk as the player reads them, never
 * written to disk), and a document being printed under /print/<token>.
 *
 * The routing is a plain function of a Fetch `Request` (`appResponse`), so it is tested
 * with real Request and Response objects without Electron; `serveApp` only hands it to
 * `protocol.handle`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY, PRINT_POLICY } from './policy';
import { mediaResponse, shareMediaResponse, type MediaResponse } from './media';
import type { SupervisorFolderRef } from './supervisor-handlers';
import type { SessionManager } from '../core/services/project/session-manager';
import type { PrintJobs } from './print-jobs';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * One privileged scheme, registered before `ready` (Electron allows it only then, once).
 * standard: a real origin (app://hvelv) and relative URLs; secure: a secure context (WebHID
 * and the clipboard need one); supportFetchAPI: the waveform of an M4A is read with
 * fetch; stream: the audio element reads ranges as it plays instead of waiting for the
 * whole body. No corsEnabled: nothing is fetched across origins.
 */
export const SCHEME_PRIVILEGES = [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }];

export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged(SCHEME_PRIVILEGES);
}

export interface AppRoutes {
  rendererDir: string;
  sessions: SessionManager;
  now: () => Date;
  folder?: SupervisorFolderRef;
  printJobs: PrintJobs;
}

const notFound = (): Response => new Response('not found', { status: 404, headers: { 'cache-control': 'no-store' } });
const toResponse = (r: MediaResponse): Response => new Response(r.body, { status: r.status, headers: r.headers });

/** The answer to one request for app://… (anything but app://hvelv/ is not found). */
export function appResponse(request: Request, routes: AppRoutes): Response {
  const url = new URL(request.url);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
  const parts = url.pathname.split('/');
  if (parts[1] === 'media') {
    // /media/recording/<id>: the student's; /media/share/<vaultId>/<id>: a supervisor's held copy.
    const range = request.headers.get('range');
    if (parts[2] === 'recording' && parts.length === 4) return toResponse(mediaResponse(routes.sessions, routes.now, parts[3]!, range));
    if (parts[2] === 'share' && parts.length === 5 && routes.folder) return toResponse(shareMediaResponse(routes.folder, parts[3]!, parts[4]!, range));
    return notFound();
  }
  if (parts[1] === 'print') {
    // Read once: the document lives in memory only until the print window has it.
    const html = parts.length === 3 ? routes.printJobs.take(parts[2]!) : null;
    if (html === null) return notFound();
    return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PRINT_POLICY, 'cache-control': 'no-store' } });
  }
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return notFound();
  }
  const root = path.resolve(routes.rendererDir);
  const file = path.resolve(root, `.${rel}`);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return notFound();
  return new Response(fs.readFileSync(file), {
    headers: {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}

export function serveApp(routes: AppRoutes): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(request, routes));
}
