/**
 * The app's origin and its one content security policy, without Electron, so the browser
 * test harness serves the page under the very policy the app sends (tests/e2e/harness.ts)
 * and static tests can hold the built page to it.
 *
 * Everything the page loads comes from its own origin, app://hvelv: the built files, and
 * the recordings under /media/, which main decrypts chunk by chunk as they are read. One
 * origin means one policy, no cross-origin fetch (Electron 43+ refuses that for custom
 * schemes without corsEnabled) and nothing for a CORS rule to get wrong.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'hvelv';
/** The page's origin, as Chromium serialises it for a standard scheme (RFC 6454). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Where the page plays a recording from: the student's vault, and a supervisor's held copy. */
export const mediaPath = (id: string): string => `/media/recording/${id}`;
export const shareMediaPath = (vaultId: string, id: string): string => `/media/share/${vaultId}/${id}`;
/** A document being printed to PDF, by a one-time token (electron/main/pdf.ts). */
export const printPath = (token: string): string => `/print/${token}`;

/**
 * libsodium runs only in main, so the page needs no 'wasm-unsafe-eval' and no inline
 * script. connect-src 'self' reaches only the page's own files and the recordings it may
 * already play (the waveform of an M4A is read with fetch); IPC is not a URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * A document printed to PDF: self-contained HTML with its own <style>, no script (the print
 * window also has JavaScript off), nothing fetched.
 */
export const PRINT_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/**
 * Whether a URL string is on the app's own origin. Compares scheme and host, not
 * `new URL(u).origin`: Node's WHATWG URL gives every non-special scheme the origin "null",
 * so that comparison refused the app's own window (the first review of this layer, F1).
 * Accepts the forms Electron passes: 'app://hvelv', 'app://hvelv/', 'app://hvelv/index.html'.
 */
export function isAppUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  try {
    const u = new URL(value);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}
