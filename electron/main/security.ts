/**
 * Electron hardening, in one place so it can be reviewed in one read. The renderer
 * is treated as untrusted: it gets no Node, runs sandboxed, can load only our own
 * files, cannot navigate or open windows, and may only call the IPC contract.
 *
 * Every check here is fed, in tests/main/, the exact strings Electron 45 passes
 * (tests/main/fake-electron.ts), not the ones we would like it to pass.
 */
import { app, session, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { isFootPedal } from '../../shared/transcription';
import { APP_ORIGIN, isAppUrl } from './policy';

export { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './policy';

/**
 * What the page may be granted, and nothing else: WebHID for the foot pedal (the chooser
 * below only ever picks a pedal), and writing plain text to the clipboard (copying the
 * supervisor key). Camera, microphone, notifications, geolocation, reading the
 * clipboard …: none are asked for, none are granted.
 */
const CHECKED_PERMISSIONS = new Set(['hid', 'clipboard-sanitized-write']);
const REQUESTED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/**
 * The permission check. Electron passes `requestingOrigin` as a URL spec (with a trailing
 * slash, 'app://hvelv/', or the page's whole URL), not a serialised origin, so the origin
 * is compared by scheme and host (isAppUrl), never as a string.
 *
 * WebHID is checked with no frame at all: Electron 45's HID delegate
 * (CanRequestDevicePermission) asks with a null frame, so the handler gets webContents null
 * and isMainFrame false, and only the origins say who asks. Both must be ours; the device
 * handler and the chooser still admit nothing but a foot pedal. The clipboard is asked
 * with the page's frame, which must be the main one.
 */
export function permissionCheck(permission: string, requestingOrigin: string, details: { securityOrigin?: string; embeddingOrigin?: string; isMainFrame?: boolean } = {}): boolean {
  if (!CHECKED_PERMISSIONS.has(permission)) return false;
  if (!isAppUrl(requestingOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppUrl(details.securityOrigin)) return false;
  if (details.embeddingOrigin !== undefined && details.embeddingOrigin !== '' && !isAppUrl(details.embeddingOrigin)) return false;
  if (permission === 'hid') return true;
  return details.isMainFrame !== false;
}

/** A permission request, from the page's main frame on our origin only. */
export function permissionRequest(permission: string, details: { requestingUrl?: string; isMainFrame?: boolean }, pageUrl: string): boolean {
  return REQUESTED_PERMISSIONS.has(permission) && isAppUrl(details.requestingUrl ?? pageUrl) && details.isMainFrame !== false;
}

/** A device the page may keep: a foot pedal, for our origin (`origin` is serialised here: 'app://hvelv'). */
export function devicePermission(details: { deviceType: string; origin: string; device: unknown }): boolean {
  return details.deviceType === 'hid' && isAppUrl(details.origin) && isFootPedal(details.device as { vendorId?: number; productId?: number });
}

/**
 * Nothing leaves the machine: every request that is not our own origin is cancelled.
 * data: and blob: never leave the machine (the thematic map's PNG is drawn from a data:
 * SVG); the content security policy still decides what the page may load. DevTools only
 * in development, where the window has them.
 */
export function requestAllowed(url: string, packaged: boolean): boolean {
  if (isAppUrl(url)) return true;
  if (url.startsWith('data:') || url.startsWith('blob:app://hvelv/')) return true;
  return !packaged && url.startsWith('devtools://');
}

export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((wc, permission, callback, details) => callback(permissionRequest(permission, details as { requestingUrl?: string; isMainFrame?: boolean }, wc.getURL())));
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => permissionCheck(permission, requestingOrigin, details));
  ses.setDevicePermissionHandler((d) => devicePermission(d));
  ses.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    callback(details.deviceList.find((d) => isFootPedal(d))?.deviceId ?? '');
  });
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url, app.isPackaged) }));
}

export function hardenContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-frame-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/**
 * Only our own top-level page, loaded from our origin, in our window, may call IPC.
 * `senderFrame.origin` is what Chromium serialised for the frame ('app://hvelv' for a
 * standard scheme); the URL's scheme and host are checked as well, so a frame whose
 * origin is opaque ("null": a sandboxed iframe, a data: URL) is refused either way.
 */
export function isTrustedSender(event: IpcMainInvokeEvent | IpcMainEvent, mainContentsId: number | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || mainContentsId === undefined || event.sender.id !== mainContentsId) return false;
  if (frame.parent !== null) return false;
  return frame.origin === APP_ORIGIN && isAppUrl(frame.url);
}
