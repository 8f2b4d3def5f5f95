/**
 * `enforce` without a terminal or a window: the argument rules shared by `hvelv
 * enforce` and the packaged app's own headless entry (`Hvelv enforce <vault> …`, which
 * the daily job runs so that Electron's RunAsNode fuse can stay off). Pure: no
 * libsodium, no SQLite, so a run with nothing due starts fast.
 */
import { isIsoDate } from '../../../shared/domain';

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The time `--now` names: a date (YYYY-MM-DD, taken at noon local time, as before) or
 * an ISO 8601 date-time (`2031-06-29T12:00:00Z`, with an offset, or local without one).
 * null when it is neither, or names a day or hour that does not exist.
 */
export function parseNowOption(value: string): Date | null {
  if (isIsoDate(value)) return new Date(`${value}T12:00:00`);
  const m = DATE_TIME.exec(value);
  if (!m || !isIsoDate(m[1]!)) return null;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  // +0200 and +02 as Date.parse wants them: +02:00.
  const zone = m[6] === undefined || m[6] === 'Z' ? (m[6] ?? '') : /^[+-]\d{2}$/.test(m[6]) ? `${m[6]}:00` : m[6].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return null;
  const ms = (m[5] ?? '').padEnd(3, '0').slice(0, 3);
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${ms || '000'}${zone}`);
  return Number.isNaN(t) ? null : new Date(t);
}
