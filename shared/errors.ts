/**
 * Error codes that cross the IPC boundary and the CLI. Expected failures are values
 * (`Result`), never thrown strings: the renderer picks the message from its catalogue
 * by code, so the user reads it in their own language.
 */
export const ERROR_CODES = [
  'WRONG_PASSPHRASE',
  'INTEGRITY',
  'NOT_A_VAULT',
  'UNSUPPORTED_VERSION',
  'UNSAFE_PARAMETERS',
  'VAULT_EXISTS',
  'MOVE_TARGET_SYNCED',
  'MOVE_TARGET_INSIDE',
  'MOVE_TARGET_PLACE',
  'MOVE_FAILED',
  'VAULT_LOCKED',
  'INVALID_INPUT',
  'IO',
  'FORBIDDEN',
  'UNKNOWN_PARTICIPANT',
  'PARTICIPANT_WITHDRAWN',
  'DUPLICATE_PARTICIPANT',
  'CONSENT_MISSING',
  'FORM_FROZEN',
  'FORM_UNFINISHED',
  'FILE_TOO_LARGE',
  'FILE_UNREADABLE',
  'AUDIO_UNSUPPORTED',
  'AUDIO_DAMAGED',
  'DUPLICATE_RECORDING',
  'TRANSCRIPT_UNSUPPORTED',
  'TRANSCRIPT_ENCODING',
  'NOT_FOUND',
  'CANCELLED',
  'DISK_FULL',
  'PROJECT_ENDED',
  'VAULT_BUSY',
  'EXCHANGE_NOT_QDA',
  'EXCHANGE_UNSAFE',
  'MODEL_INVALID',
  'MODEL_ENGLISH_ONLY',
  'SPEAKER_IS_NAME',
  'AUDIO_NEEDS_APP',
  'ASR_FAILED',
  'FILE_NOT_REGULAR',
  'DOCUMENT_DAMAGED',
  'DOCUMENT_ENCRYPTED',
  'CONSENT_DATE_IMPLAUSIBLE',
  'KEY_CONFLICT',
  'INTERNAL',
  'TOO_MANY_ATTRIBUTES',
  'NAME_TAKEN',
  'HIERARCHY_CYCLE',
  'NAME_INVISIBLE',
  'SEGMENT_TEXT_CHANGED',
  'QUOTE_NOT_FOUND',
  'QUOTE_AMBIGUOUS',
  'RANGE_INVALID',
  'DETAILS_UNCHECKED',
  'NOT_BUILT',
  'SUPERVISOR_KEY_TYPO',
  'NOT_A_SUPERVISOR_KEY',
  'NOT_A_SUPERVISOR_FOLDER',
  'SUPERVISOR_REVOKED',
  'SHARE_NOT_FOR_YOU',
  'SHARE_OUTDATED',
  'SHARE_FROM_FUTURE',
  'SHARE_EXPIRED',
  'SHARE_OTHER_OWNER',
  'FEEDBACK_UNKNOWN_SIGNER',
  'TEXT_CONTROL_CHARACTERS',
  'SHARE_DAMAGED',
  'SHARE_NEEDS_NEWER',
  'BACKUP_OLDER',
  'BACKUP_NOT_FOUND',
  'DOWNLOAD_FAILED',
  'DOWNLOAD_STALLED',
  'DOWNLOAD_TOO_SLOW',
  'MODEL_HASH_MISMATCH',
  'ARCHIVE_UNSAFE',
  'MODEL_INSTALLED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  /** English developer-facing detail; the UI shows the catalogue text for `code`. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
