/**
 * The backup places as the deletion certificate names them. The certificate is written at
 * the end date by the daily job, without the passphrase, so it cannot read the vault's own
 * record of its places (`backup.sealed`, sealed under the user key). The unlocked app keeps
 * this clear companion beside it (`backup-places.json`), rewritten whenever the sealed record
 * is: for each place only its number, a label (the last part of its folder's name, never the
 * whole path), whether it holds a copy, whether the end date has reached it, and the date the
 * student recorded its disk as destroyed. Nothing about a participant, nothing the copy
 * there does not already show to whoever holds the disk (a folder named hvelv-backup-<id>).
 *
 * The headless job reads it as the app last knew it; the app, once unlocked, brings each
 * certificate's list of places up to date as places are erased or recorded destroyed, so the
 * certificate, `hvelv status` and the dashboard say the same of each place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../vault/atomic-file';
import { isIsoDateTime } from '../../vault/header';
import { isIsoDate } from '../../../../shared/domain';

export const BACKUP_PLACES_FILE = 'backup-places.json';

export interface ClearPlace {
  n: number;
  label: string;
  hasCopy: boolean;
  lastCopyAt: string | null;
  endCarried: boolean;
  destroyedOn: string | null;
}

export interface ClearPlaces {
  format: 'hvelv-backup-places';
  version: 1;
  /** When the unlocked app last wrote it. */
  updatedAt: string;
  places: ClearPlace[];
}

// Checked by hand, not with zod: the daily job loads this and stays light (docs/benchmarks.md).
const isStr = (x: unknown, max = 200): x is string => typeof x === 'string' && x.length <= max;
// The dates are checked as dates: the certificate formats them, and a date that is no date
// would stop the end date's certificate from being written at all (the attack review).
const isTime = (x: unknown): x is string => isIsoDateTime(x) && !Number.isNaN(Date.parse(x));
const timeOrNull = (x: unknown): boolean => x === null || isTime(x);
const dateOrNull = (x: unknown): boolean => x === null || (typeof x === 'string' && isIsoDate(x));
function isClearPlace(x: unknown): x is ClearPlace {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Record<string, unknown>;
  return Number.isInteger(p.n) && (p.n as number) >= 1 && isStr(p.label) && typeof p.hasCopy === 'boolean' && typeof p.endCarried === 'boolean' && timeOrNull(p.lastCopyAt) && dateOrNull(p.destroyedOn);
}
function isClearPlaces(x: unknown): x is ClearPlaces {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return r.format === 'hvelv-backup-places' && r.version === 1 && isTime(r.updatedAt) && Array.isArray(r.places) && r.places.length <= 1000 && r.places.every(isClearPlace);
}

/** A place's state once the end date has passed (what the certificate says of it). */
export type PlaceEndState = 'erased' | 'not-erased' | 'destroyed' | 'no-copy';

export interface CertificatePlace {
  n: number;
  label: string;
  state: PlaceEndState;
  destroyedOn?: string;
  lastCopyAt: string | null;
}

export interface CertificatePlaces {
  /** When the list was last brought up to date by the unlocked app (the headless job only reads it). */
  asOf: string;
  places: CertificatePlace[];
}

/** The label a place goes by in the clear: its folder's last name, never the whole path. */
export function placeLabel(dir: string): string {
  // Either separator, whatever this system's: a vault restored here from Windows (or from
  // macOS on Windows) has the other system's paths in its record, and path.basename would
  // give the whole of one, the user's name in it.
  const base = dir.split(/[\\/]+/).filter((x) => x.length > 0).at(-1) ?? '';
  return base.slice(0, 200);
}

/** The vault's sealed record of its places (backup/places.ts): its being there says places were recorded. */
const SEALED_RECORD = 'backup.sealed';

/**
 * The clear list; 'unknown' when it is damaged, or gone while the vault has a sealed record
 * of places (deleted, or a crash between the two writes): the certificate then says the
 * places are not known, never that there were none. Null: the vault never recorded a place.
 */
export function readClearPlaces(vault: string): ClearPlaces | 'unknown' | null {
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(vault, BACKUP_PLACES_FILE), 'utf8');
  } catch {
    return fs.existsSync(path.join(vault, SEALED_RECORD)) ? 'unknown' : null;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    return isClearPlaces(parsed) ? parsed : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function writeClearPlaces(vault: string, rec: ClearPlaces): void {
  writeFileAtomic(path.join(vault, BACKUP_PLACES_FILE), new TextEncoder().encode(`${JSON.stringify(rec, null, 2)}\n`));
}

/** The state of each place after the end date (the same rule as `hvelv status`: backup/places.ts pendingAt). */
export function placesAtEnd(rec: ClearPlaces): CertificatePlaces {
  return {
    asOf: rec.updatedAt,
    places: rec.places.map((p) => ({
      n: p.n,
      label: p.label,
      lastCopyAt: p.lastCopyAt,
      ...(p.destroyedOn ? { state: 'destroyed' as const, destroyedOn: p.destroyedOn } : { state: !p.hasCopy ? ('no-copy' as const) : p.endCarried ? ('erased' as const) : ('not-erased' as const) }),
    })),
  };
}
