/**
 * Progress of long work on stderr, on a terminal only and only past a second: how far, how
 * fast, and about how long is left (issue 27). Piped or redirected output gets none of it.
 */
import type { CliIo } from './io';

/** An onProgress for core's long work (import, export, a share with recordings). */
export function terminalProgress(io: Pick<CliIo, 'isTty' | 'errIsTty' | 'err'>): (p: { bytes: number; total: number }) => void {
  const started = Date.now();
  let shown = 0;
  // Drawn on stderr, so stderr must be the terminal: `hvelv enforce v 2>>enforce.log` typed
  // at a terminal (stdin one) wrote every \r-line into the log.
  const tty = io.errIsTty ?? io.isTty;
  return ({ bytes, total }) => {
    const elapsed = Date.now() - started;
    if (!tty || elapsed < 1000 || Date.now() - shown < 250) return;
    shown = Date.now();
    io.err(`\r${progressLine(bytes, total, elapsed)}`);
  };
}

/** "42%  310 MB/s  ~0:03": how far, how fast, about how long is left. */
export function progressLine(bytes: number, total: number, elapsedMs: number): string {
  const mbs = bytes / 1e6 / Math.max(0.001, elapsedMs / 1000);
  const left = bytes > 0 ? Math.max(0, Math.round((((total - bytes) / bytes) * elapsedMs) / 1000)) : null;
  return `${Math.floor((bytes / Math.max(total, 1)) * 100)}%  ${mbs.toFixed(0)} MB/s${left === null ? '' : `  ~${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}   `;
}
