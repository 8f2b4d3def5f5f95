import type { ErrorCode } from '../../shared/errors';

/**
 * An expected failure with a code the UI and CLI can explain (wrong passphrase,
 * tampered file, ...). Thrown inside core, turned into a `Result` at the boundary.
 */
export class HvelvError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HvelvError';
    this.code = code;
  }
}

/** A broken invariant in our own code: never shown as a user error, always a bug. */
export class BugIndicatingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BugIndicatingError';
  }
}

export const integrity = (message: string, cause?: unknown): HvelvError =>
  new HvelvError('INTEGRITY', message, { cause });
