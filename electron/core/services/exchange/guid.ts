import { randomUUID } from 'node:crypto';
import { BugIndicatingError } from '../../errors';
import type { Guid } from './qda-model';

const BARE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh GUID (random, version 4). */
export function newGuid(): Guid {
  return randomUUID();
}

/**
 * A GUID from a file, as Hvelv keeps it (lower case, no braces), or null when it is
 * not one. NVivo and ATLAS.ti write `{…}` in upper case, QualCoder bare: the schema
 * allows both, so the same GUID must compare equal however it was written.
 */
export function parseGuid(text: string | null | undefined): Guid | null {
  if (text == null) return null;
  const t = text.trim();
  const bare = t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1) : t;
  return BARE.test(bare) ? bare.toLowerCase() : null;
}

/**
 * A GUID as Hvelv writes it: upper case without braces, the form ATLAS.ti and NVivo
 * write themselves, and one of the two the schema's GUIDType pattern allows.
 */
export function formatGuid(guid: Guid): string {
  if (!BARE.test(guid)) throw new BugIndicatingError(`not a GUID: ${guid}`);
  return guid.toUpperCase();
}
