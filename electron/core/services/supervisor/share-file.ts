/**
 * The two files that travel between student and supervisor, and nothing else does:
 *
 * - a share (`<title>.hvelvshare`), made by the student's Hvelv: the content is sealed with
 *   a fresh key (XChaCha20-Poly1305), that key is sealed to the supervisor's X25519 key
 *   (crypto_box_seal), and the whole body (the vault, the version, the end date, the
 *   withdrawn codes, the recipient, the owner's key, the ciphertext) is signed with the
 *   owner's Ed25519 key. The content's associated data repeat the owner key, recipient,
 *   version and end date, so swapping the signature and key for another's breaks the
 *   content too.
 * - a feedback file (`<title>.hvelvfeedback`), made by the supervisor's Hvelv: comments
 *   sealed with the feedback key the student put in the share (only that student and
 *   that supervisor hold it), signed with the supervisor's Ed25519 key.
 *
 * Both are JSON with canonical base64 (every changed character changes a value), signed
 * over the canonical JSON of the body.
 */
import type { MachineSpans, MachineTextCount } from '../../../../shared/machine-text';
import { z } from 'zod';
import type { SharedAttributes } from '../../../../shared/attributes';
import type { Code, Memo, PhaseState, Segment, Theme } from '../../../../shared/analysis';
import { hasControlCharacter, isIsoDate, type IsoDate } from '../../../../shared/domain';
import { FEEDBACK_TARGET_KINDS, type FeedbackTarget } from '../../../../shared/supervisor';
import type { SignatureVerifier } from '../../crypto/ed25519';
import { canonicalJson, encodeFields, fromB64, fromUtf8, toB64, utf8 } from '../../crypto/encoding';
import { KEY_BYTES, SIGNATURE_BYTES, XNONCE_BYTES, type Crypto } from '../../crypto/sodium';
import { HvelvError, integrity } from '../../errors';
import type { AudioFacts } from '../../../../shared/contract';

export const SHARE_EXTENSION = '.hvelvshare';
export const FEEDBACK_EXTENSION = '.hvelvfeedback';
/** A share holds transcripts: generous, but bounded before anything is parsed. */
export const SHARE_MAX_BYTES = 512 * 1024 * 1024;
export const FEEDBACK_MAX_BYTES = 16 * 1024 * 1024;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const code = z.string().regex(/^[A-Z][A-Z0-9]{0,7}[0-9]{2,4}$/);
const isoDate = z.string().refine(isIsoDate);

export const shareBodySchema = z.strictObject({
  format: z.literal('hvelv-share'),
  version: z.literal(1),
  vaultId: hexId,
  // A project title never holds control characters (the wizard refuses them); one that does
  // would reach the supervisor's terminal through `share open`.
  title: z.string().max(300).refine((t) => !hasControlCharacter(t)),
  shareVersion: z.number().int().min(1),
  madeAt: z.iso.datetime(),
  until: isoDate,
  owner: b64,
  recipient: z.strictObject({ box: b64, sign: b64 }),
  participants: z.array(code).max(10_000),
  withdrawn: z.array(code).max(10_000),
  counts: z.strictObject({ transcripts: z.number().int().min(0), codes: z.number().int().min(0), segments: z.number().int().min(0), themes: z.number().int().min(0), memos: z.number().int().min(0) }),
  wrappedKey: b64,
  nonce: b64,
  ciphertext: b64,
});
/**
 * Version 2, a share that carries recordings: the same body, and the list of the recording
 * streams that follow it in the file (their order, whose, and their length), so the
 * owner's signature fixes where each stream starts and ends.
 */
export const shareBodyV2Schema = shareBodySchema.extend({
  version: z.literal(2),
  recordings: z.array(z.strictObject({ id: hexId, participant: code, size: z.number().int().min(0).max(2 ** 40) })).max(10_000),
});
export type ShareBodyV2 = z.infer<typeof shareBodyV2Schema>;
export type ShareBody = z.infer<typeof shareBodySchema> | ShareBodyV2;
export const signedFileSchema = z.strictObject({ body: z.unknown(), signature: b64 });

/** What a share holds: only what the student chose; never the key list, consent or identities. */
export interface SharePayload {
  phase: PhaseState;
  codes: Code[];
  themes: Theme[];
  /** Never private ones. */
  memos: Memo[];
  /**
   * `machineText`: an automatic draft's passages checked against the recording (issue 26);
   * `machineSpans`: which of its passages are still unchecked machine text (shared/machine-text.ts).
   * Both absent in shares made before them (`machineSpans` in shares made before it).
   */
  transcripts: { id: string; participant: string; text: string; syncPoints: { offset: number; ms: number }[]; createdAt: string; machineText?: MachineTextCount | null; machineSpans?: MachineSpans | null }[];
  /** Coded segments (orphans left out). */
  segments: Segment[];
  /** The student's replies to the supervisor's comments, and which are resolved. */
  replies: { commentId: string; replies: { id: string; text: string; at: string }[]; resolved: boolean }[];
  /** The key this supervisor seals feedback with (base64, 32 bytes), known only to the two of them. */
  feedbackKey: string;
  /**
   * Participant attributes (services/attributes/): generalised values of attributes not
   * marked identifying, for the shared participants only. Absent when there are none (and
   * in shares made before attributes).
   */
  attributes?: SharedAttributes;
  /**
   * Version 2: what the supervisor needs to open each recording stream that follows the
   * body (its key, the SHA-256 of the audio, the transcripts it belongs to). Absent in v1.
   */
  recordings?: ShareRecordingEntry[];
}

export interface ShareRecordingEntry {
  /** The stream's id (fresh for each share, not the student's recording id). */
  id: string;
  participant: string;
  /** The stream's own key (base64, 32 bytes). */
  key: string;
  /** SHA-256 of the audio (hex): checked over the decrypted stream before anything is kept. */
  sha256: string;
  size: number;
  format: AudioFacts;
  transcriptIds: string[];
  /** The waveform overview the student's Hvelv computed (base64), or null. */
  peaks: string | null;
}

const payloadSchema = z.looseObject({
  phase: z.looseObject({ current: z.string(), history: z.array(z.unknown()) }),
  codes: z.array(z.looseObject({ id: hexId, name: z.string() })),
  themes: z.array(z.looseObject({ id: hexId, name: z.string() })),
  memos: z.array(z.looseObject({ id: hexId, text: z.string(), private: z.literal(false) })),
  transcripts: z.array(
    z.looseObject({
      id: hexId,
      participant: code,
      text: z.string(),
      syncPoints: z.array(z.strictObject({ offset: z.number().int().min(0), ms: z.number().min(0) })),
      machineText: z.strictObject({ checked: z.number().int().min(0), total: z.number().int().min(0) }).nullable().optional(),
    }),
  ),
  segments: z.array(z.looseObject({ id: hexId, transcriptId: hexId, participant: code, start: z.number().int().min(0), end: z.number().int().min(0), codeIds: z.array(hexId) })),
  replies: z.array(z.looseObject({ commentId: hexId, replies: z.array(z.strictObject({ id: hexId, text: z.string(), at: z.string() })), resolved: z.boolean() })),
  feedbackKey: b64,
  recordings: z
    .array(
      z.strictObject({
        id: hexId,
        participant: code,
        key: b64,
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        size: z.number().int().min(0),
        format: z.strictObject({ format: z.enum(['wav', 'mp3', 'm4a', 'ogg', 'flac', 'webm']), codec: z.string().max(100), durationMs: z.number().int().min(0), sampleRate: z.number().int().min(0), channels: z.number().int().min(0), bitrate: z.number().int().min(0).nullable() }),
        transcriptIds: z.array(hexId).max(1000),
        peaks: b64.nullable(),
      }),
    )
    .max(10_000)
    .optional(),
});

export const shareSignatureMessage = (body: ShareBody): Uint8Array => encodeFields('hvelv/share', [body.version === 2 ? 2 : 1, canonicalJson(body)]);
export const payloadAd = (b: Pick<ShareBody, 'vaultId' | 'shareVersion' | 'owner' | 'recipient' | 'until' | 'madeAt'>): Uint8Array =>
  encodeFields('hvelv/share-payload', [1, b.vaultId, b.shareVersion, b.owner, b.recipient.box, b.recipient.sign, b.until, b.madeAt]);

export interface ShareFields {
  vaultId: string;
  title: string;
  shareVersion: number;
  madeAt: string;
  until: IsoDate;
  owner: Uint8Array;
  recipient: { box: Uint8Array; sign: Uint8Array };
  participants: string[];
  withdrawn: string[];
  counts: ShareBody['counts'];
}

/** The bytes of a share file. `sign` is the owner's signature function. */
export function sealShare(crypto: Crypto, sign: (m: Uint8Array) => Uint8Array, f: ShareFields, payload: SharePayload): Uint8Array {
  const key = crypto.random(KEY_BYTES);
  const nonce = crypto.random(XNONCE_BYTES);
  const head = { vaultId: f.vaultId, shareVersion: f.shareVersion, owner: toB64(f.owner), recipient: { box: toB64(f.recipient.box), sign: toB64(f.recipient.sign) }, until: f.until, madeAt: f.madeAt };
  const plain = utf8(JSON.stringify(payload));
  const ciphertext = crypto.seal(key, nonce, plain, payloadAd(head));
  crypto.wipe(plain);
  const body: ShareBody = shareBodySchema.parse({
    format: 'hvelv-share',
    version: 1,
    ...head,
    title: f.title,
    participants: f.participants,
    withdrawn: f.withdrawn,
    counts: f.counts,
    wrappedKey: toB64(crypto.sealTo(f.recipient.box, key)),
    nonce: toB64(nonce),
    ciphertext: toB64(ciphertext),
  });
  crypto.wipe(key);
  const file = { body: JSON.parse(canonicalJson(body)) as unknown, signature: toB64(sign(shareSignatureMessage(body))) };
  return utf8(JSON.stringify(file));
}

/**
 * Parse a share file and check the owner's signature over it (no key needed). INTEGRITY
 * for anything not a well-formed, correctly signed share: a flipped byte anywhere, an end
 * date or version edited, a signature made by another key than the one named.
 */
export function readShare(bytes: Uint8Array, verifier: SignatureVerifier): { body: ShareBody; signature: Uint8Array } {
  if (bytes.length > SHARE_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the share file is too large');
  return verifySignedShare(bytes, shareBodySchema, verifier);
}

/**
 * The signed JSON of a share (all of a version-1 file, the head of a version-2 one): parsed
 * with the version's own schema, its keys and nonce of the right lengths, and the owner's
 * signature verified over the body as stored, not as parsed.
 */
export function verifySignedShare<B extends Pick<ShareBody, 'owner' | 'recipient' | 'nonce' | 'wrappedKey' | 'ciphertext'>>(json: Uint8Array, schema: z.ZodType<B>, verifier: SignatureVerifier): { body: B; signature: Uint8Array } {
  let file: z.infer<typeof signedFileSchema>;
  let body: B;
  try {
    file = signedFileSchema.parse(JSON.parse(fromUtf8(json)));
    body = schema.parse(file.body);
  } catch (err) {
    throw integrity('this is not a Hvelv share, or it was changed', err);
  }
  const owner = fromB64(body.owner, 32, 'owner key');
  fromB64(body.recipient.box, 32, 'recipient key');
  fromB64(body.recipient.sign, 32, 'recipient key');
  fromB64(body.nonce, XNONCE_BYTES, 'nonce');
  fromB64(body.wrappedKey, KEY_BYTES + 48, 'wrapped key');
  fromB64(body.ciphertext, undefined, 'ciphertext');
  const signature = fromB64(file.signature, SIGNATURE_BYTES, 'signature');
  if (!verifier.verify(owner, shareSignatureMessage(file.body as ShareBody), signature)) throw integrity('the share was changed after the student made it (signature does not verify)');
  return { body, signature };
}

/** Decrypt a checked share's content. `unwrap` opens the sealed key with the supervisor's X25519 key pair. */
export function openSharePayload(crypto: Crypto, body: ShareBody, unwrap: (sealed: Uint8Array) => Uint8Array | null): SharePayload {
  const key = unwrap(fromB64(body.wrappedKey));
  if (!key) throw new HvelvError('SHARE_NOT_FOR_YOU', 'the share key does not open with this supervisor’s key');
  const plain = crypto.open(key, fromB64(body.nonce, XNONCE_BYTES), fromB64(body.ciphertext), payloadAd(body));
  crypto.wipe(key);
  if (!plain) throw integrity('the share’s content does not decrypt (changed, or re-signed by someone else)');
  try {
    return payloadSchema.parse(JSON.parse(fromUtf8(plain))) as unknown as SharePayload;
  } catch (err) {
    throw integrity('the share’s content is malformed', err);
  } finally {
    crypto.wipe(plain);
  }
}

/* ---- feedback ------------------------------------------------------------------------- */

export interface FeedbackItem {
  id: string;
  target: FeedbackTarget;
  text: string;
  createdAt: string;
}

export const feedbackBodySchema = z.strictObject({
  format: z.literal('hvelv-feedback'),
  version: z.literal(1),
  vaultId: hexId,
  shareVersion: z.number().int().min(1),
  supervisor: b64,
  madeAt: z.iso.datetime(),
  nonce: b64,
  ciphertext: b64,
});
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
const feedbackItemsSchema = z.array(z.strictObject({ id: hexId, target: z.strictObject({ kind: z.enum(FEEDBACK_TARGET_KINDS), id: hexId }), text: z.string().min(1).max(20_000), createdAt: z.iso.datetime() })).max(100_000);

const feedbackMessage = (b: FeedbackBody): Uint8Array => encodeFields('hvelv/feedback', [1, canonicalJson(b)]);
const feedbackAd = (b: Pick<FeedbackBody, 'vaultId' | 'shareVersion' | 'supervisor' | 'madeAt'>): Uint8Array => encodeFields('hvelv/feedback-payload', [1, b.vaultId, b.shareVersion, b.supervisor, b.madeAt]);

export function sealFeedback(crypto: Crypto, sign: (m: Uint8Array) => Uint8Array, f: { vaultId: string; shareVersion: number; supervisor: Uint8Array; madeAt: string; feedbackKey: Uint8Array }, items: FeedbackItem[]): Uint8Array {
  const nonce = crypto.random(XNONCE_BYTES);
  const head = { vaultId: f.vaultId, shareVersion: f.shareVersion, supervisor: toB64(f.supervisor), madeAt: f.madeAt };
  const body: FeedbackBody = { format: 'hvelv-feedback', version: 1, ...head, nonce: toB64(nonce), ciphertext: toB64(crypto.seal(f.feedbackKey, nonce, utf8(JSON.stringify(items)), feedbackAd(head))) };
  return utf8(JSON.stringify({ body: JSON.parse(canonicalJson(body)) as unknown, signature: toB64(sign(feedbackMessage(body))) }));
}

/** Parse a feedback file (no check yet: the signer is looked up first). */
export function parseFeedback(bytes: Uint8Array): { body: FeedbackBody; raw: unknown; signature: Uint8Array } {
  if (bytes.length > FEEDBACK_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the feedback file is too large');
  try {
    const file = signedFileSchema.parse(JSON.parse(fromUtf8(bytes)));
    const body = feedbackBodySchema.parse(file.body);
    fromB64(body.supervisor, 32, 'supervisor key');
    fromB64(body.nonce, XNONCE_BYTES, 'nonce');
    fromB64(body.ciphertext, undefined, 'ciphertext');
    return { body, raw: file.body, signature: fromB64(file.signature, SIGNATURE_BYTES, 'signature') };
  } catch (err) {
    throw new HvelvError('FEEDBACK_UNKNOWN_SIGNER', 'this is not a Hvelv feedback file, or it was changed', { cause: err });
  }
}

/** Check the signature with the supervisor's registered key and decrypt; FEEDBACK_UNKNOWN_SIGNER if either fails. */
export function openFeedback(crypto: Crypto, parsed: ReturnType<typeof parseFeedback>, signKey: Uint8Array, feedbackKey: Uint8Array): FeedbackItem[] {
  if (!crypto.verify(signKey, feedbackMessage(parsed.raw as FeedbackBody), parsed.signature)) throw new HvelvError('FEEDBACK_UNKNOWN_SIGNER', 'the feedback file’s signature does not verify');
  const plain = crypto.open(feedbackKey, fromB64(parsed.body.nonce), fromB64(parsed.body.ciphertext), feedbackAd(parsed.body));
  if (!plain) throw new HvelvError('FEEDBACK_UNKNOWN_SIGNER', 'the feedback file does not decrypt with this supervisor’s feedback key');
  try {
    return feedbackItemsSchema.parse(JSON.parse(fromUtf8(plain)));
  } catch (err) {
    throw integrity('the feedback file’s comments are malformed', err);
  } finally {
    crypto.wipe(plain);
  }
}

