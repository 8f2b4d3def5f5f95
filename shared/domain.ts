/** Pure domain rules used by both main and renderer. No DOM, no Node. */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** The pseudonym that stands for a participant everywhere outside the key list. */
export type ParticipantCode = Brand<string, 'ParticipantCode'>;

const CODE_RE = /^[A-Z][A-Z0-9]{0,7}[0-9]{2,4}$/;
export function isParticipantCode(s: string): s is ParticipantCode {
  return CODE_RE.test(s);
}

/** Calendar date as the information letter states it, `YYYY-MM-DD`, no time zone. */
export type IsoDate = Brand<string, 'IsoDate'>;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isIsoDate(s: string): s is IsoDate {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localIsoDate(at: Date): IsoDate {
  const y = at.getFullYear();
  const m = String(at.getMonth() + 1).padStart(2, '0');
  const d = String(at.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}` as IsoDate;
}

/**
 * Whole days from `today` to `endDate` (both calendar dates). 0 on the end date
 * itself, negative after it. Computed on UTC midnights so DST shifts cannot make
 * a day count 23 or 25 hours.
 */
export function daysUntil(endDate: IsoDate, today: IsoDate): number {
  const toUtc = (s: string): number => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((toUtc(endDate) - toUtc(today)) / 86_400_000);
}

export const AUTO_LOCK_DEFAULT_MINUTES = 10;
export const AUTO_LOCK_MIN_MINUTES = 1;
export const AUTO_LOCK_MAX_MINUTES = 240;

export const PASSPHRASE_MIN_LENGTH = 12;

export type PassphraseStrength = 0 | 1 | 2 | 3 | 4;

/**
 * A rough, explainable strength estimate (0 very weak … 4 strong): estimated
 * entropy from length and character variety, with penalties for repeats and
 * sequences. It guides; the hard rule is only the minimum length. Passphrases of
 * several words score well because length dominates, which is what we want to
 * encourage.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  const s = passphrase.normalize('NFC');
  if (s.length === 0) return 0;
  let pool = 0;
  if (/[a-zæøå]/.test(s)) pool += 29;
  if (/[A-ZÆØÅ]/.test(s)) pool += 29;
  if (/[0-9]/.test(s)) pool += 10;
  if (/[^a-zA-Z0-9æøåÆØÅ]/.test(s)) pool += 33;
  // Effective length: collapse runs of the same character and simple sequences.
  let effective = 0;
  for (let i = 0; i < s.length; i++) {
    const prev = i > 0 ? s.charCodeAt(i - 1) : -10;
    const cur = s.charCodeAt(i);
    effective += cur === prev || Math.abs(cur - prev) === 1 ? 0.25 : 1;
  }
  const distinct = new Set(s).size;
  const bits = Math.min(effective, distinct * 3) * Math.log2(Math.max(pool, 2));
  if (s.length < PASSPHRASE_MIN_LENGTH || bits < 40) return bits < 25 ? 0 : 1;
  if (bits < 60) return 2;
  if (bits < 80) return 3;
  return 4;
}

// ---- Participants and codes -------------------------------------------------

export const CODE_PREFIX_RE = /^[A-Z]{1,6}$/;
export const DEFAULT_CODE_PREFIX = 'P';
export const DEFAULT_CODE_DIGITS = 2;

/** The n-th code of a pattern: prefix + zero-padded number (P01, JS07). Never from a name. */
export function formatCode(prefix: string, digits: number, n: number): ParticipantCode {
  return `${prefix}${String(n).padStart(digits, '0')}` as ParticipantCode;
}

export type ParticipantStatus = 'active' | 'withdrawing' | 'withdrawn';

// ---- Consent ----------------------------------------------------------------

/** What a participant's data may be used for; each needs consent covering it. */
export const PURPOSES = ['recording', 'transcript', 'analysis'] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * The statements of a consent form (its checkboxes), and the processing each one
 * allows. A purpose is covered when every statement it needs was agreed to.
 */
export const STATEMENTS = ['participate', 'audio-recording', 'processing-until-end'] as const;
export type StatementId = (typeof STATEMENTS)[number];

export const PURPOSE_NEEDS: Record<Purpose, readonly StatementId[]> = {
  recording: ['participate', 'audio-recording', 'processing-until-end'],
  transcript: ['participate', 'processing-until-end'],
  analysis: ['participate', 'processing-until-end'],
};

export const CONSENT_METHODS = ['paper', 'digital', 'oral-recorded'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export function consentCovers(agreed: readonly string[], purpose: Purpose): boolean {
  return PURPOSE_NEEDS[purpose].every((s) => agreed.includes(s));
}

export const EVIDENCE_MAX_BYTES = 25 * 1024 * 1024;

// ---- Project end --------------------------------------------------------------

export const REMINDER_DAYS = [30, 14, 7, 1] as const;

/**
 * The reminder in force with `daysLeft` to go: the smallest threshold not yet passed
 * (30 from 30 to 15 days, 14 from 14 to 8, 7 from 7 to 2, 1 on the last day before).
 */
export function reminderFor(daysLeft: number): (typeof REMINDER_DAYS)[number] | null {
  if (daysLeft < 1 || daysLeft > 30) return null;
  let hit: (typeof REMINDER_DAYS)[number] | null = null;
  for (const d of REMINDER_DAYS) if (daysLeft <= d) hit = d;
  return hit;
}

/** Kinds of identifying detail looked for in transcripts (electron/core/services/deidentify/deidentify.ts). */
export const DEID_KINDS = ['name', 'place', 'workplace', 'email', 'phone', 'national-id', 'age', 'date', 'unique', 'invisible'] as const;
export type DeidKind = (typeof DEID_KINDS)[number];
/**
 * Narrowing facts: not identifying alone, but together they can be (an age, the date
 * of an event, "the only male social worker in the municipality": a group of five or
 * fewer identifies). Listed, never ticked for replacement unless the user ticks them.
 */
export const NARROWING_KINDS: readonly DeidKind[] = ['age', 'date', 'unique'];
/** Characters that show nothing (zero-width space, soft hyphen ...): taken out, not replaced by a label. */
export const INVISIBLE_KIND: DeidKind = 'invisible';
/** Kinds whose finding is replaced by a label such as [navn] (all but invisible characters, which are removed). */
export const LABELLED_KINDS = DEID_KINDS.filter((k) => k !== 'invisible');
/** How sure the check is that a finding identifies: the key list and fixed patterns are sure; word lists and shapes less so. */
export const DEID_CONFIDENCES = ['high', 'medium', 'low'] as const;
export type DeidConfidence = (typeof DEID_CONFIDENCES)[number];
/** What an identifying detail may be replaced with: a short label in brackets, such as [navn]. */
export const PLACEHOLDER = /^\[[^[\]\n]{1,40}\]$/u;

/** What the vault's signed settings say about the project (electron/core/vault/vault.ts). */
export interface ProjectFacts {
  title: string;
  endDate: IsoDate;
  endAction: 'anonymise' | 'delete-all';
  institution: string;
  faculty: string;
  student: string;
  supervisor: string;
  siktRef: string;
  autoLockMinutes: number;
  codePrefix: string;
  codeDigits: number;
}

/**
 * Control characters (C0, DEL, C1) in a path: a newline in a vault path once split the
 * daily job's systemd unit in two, and the deletion job silently never ran. New vault
 * paths may not hold them; nothing a person names a folder needs them.
 */
export const isControlCharacter = (c: string): boolean => {
  const n = c.codePointAt(0) ?? 0;
  return n < 0x20 || (n >= 0x7f && n <= 0x9f);
};
export const hasControlCharacter = (s: string): boolean => [...s].some(isControlCharacter);
