/**
 * Electron hardening, in one place so it can be reviewed in one read. The renderer
 * is treated as untrusted: it gets no Node, runs sandboxed, can load only our own
 * files, cannot navigate or open windows, and may only call the IPC contract.
 */
import { app, session, type WebContents, type IpcMainInvokeEvent } from 'electron';
import { isFootPedal } from '../../shared/transcription';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hvelv';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Recordings are played from here; main decrypts on the fly (electron/main/media.ts). */
export const MEDIA_SCHEME = 'hvelv-media';

/**
 * libsodium runs only in main, so the page needs no 'wasm-unsafe-eval' and no
 * inline script. connect-src only hvelv-media: the renderer talks to nothing but IPC and
 * the recordings it may already play.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self' hvelv-media:",
  // Only the recordings, for the waveform of M4A/WebM (fetched once into memory and decoded there).
  "connect-src hvelv-media:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function hardenSession(): void {
  // Camera, microphone, notifications, geolocation …: none are asked for here.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // WebHID, for foot pedals only: the page may ask for HID, the chooser picks a pedal
  // (never a keyboard or another device), and only pedals are ever granted.
  session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) => permission === 'hid' && origin === APP_ORIGIN);
  session.defaultSession.setDevicePermissionHandler((d) => d.deviceType === 'hid' && d.origin === APP_ORIGIN && isFootPedal(d.device as { vendorId?: number; productId?: number }));
  session.defaultSession.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    callback(details.deviceList.find((d) => isFootPedal(d))?.deviceId ?? '');
  });
  // Nothing leaves the machine: block every request that is not our own scheme.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith(`${MEDIA_SCHEME}://`) || details.url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
}

export function hardenContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** Only our own top-level page, loaded from our scheme, may call IPC. */
export function isTrustedSender(event: IpcMainInvokeEvent, mainContentsId: number | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || event.sender.id !== mainContentsId) return false;
  if (frame.parent !== null) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}
