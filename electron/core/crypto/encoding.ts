import { createHash } from 'node:crypto';
import { integrity } from '../errors';

const textEncoder = new TextEncoder();

export const utf8 = (s: string): Uint8Array => textEncoder.encode(s);
export const fromUtf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b);

export function toB64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Strict base64: Node's decoder silently skips bad characters and ignores stray
 * low bits, so a flipped byte could decode to the same value. We re-encode and
 * compare, so every change to the text is a change to the value (and detected).
 */
export function fromB64(text: string, expectedLength?: number, what = 'value'): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw integrity(`${what} is not canonical base64`);
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw integrity(`${what} has ${bytes.length} bytes, expected ${expectedLength}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Unambiguous encoding of associated data and signed messages: a domain label,
 * then each field as type tag + 4-byte big-endian length + bytes. No two field
 * lists encode to the same bytes, so ("ab","c") can never stand in for ("a","bc").
 */
export function encodeFields(domain: string, fields: readonly (string | number | Uint8Array | null)[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const push = (tag: number, bytes: Uint8Array): void => {
    const head = new Uint8Array(5);
    head[0] = tag;
    new DataView(head.buffer).setUint32(1, bytes.length, false);
    chunks.push(head, bytes);
  };
  push(0x44, utf8(domain));
  for (const f of fields) {
    if (f === null) push(0x4e, new Uint8Array(0));
    else if (typeof f === 'string') push(0x53, utf8(f));
    else if (typeof f === 'number') {
      if (!Number.isSafeInteger(f)) throw new RangeError('encodeFields: numbers must be safe integers');
      push(0x49, utf8(String(f)));
    } else push(0x42, f);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** JSON with object keys sorted at every level: the bytes we sign. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}
