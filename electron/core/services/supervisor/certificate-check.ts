/**
 * The student's side of a certificate of deletion: the supervisor signs it when their copy
 * is destroyed (held.ts); the student checks it against the supervisor key in the vault
 * (`hvelv share verify-certificate <vault> FILE`), the .json or the .html, which carries the
 * same signed JSON.
 */
import { z } from 'zod';
import { isIsoDate } from '../../../../shared/domain';
import type { ShareCertificate } from '../../../../shared/supervisor';
import { fromB64 } from '../../crypto/encoding';
import type { Crypto } from '../../crypto/sodium';
import { HvelvError, integrity } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { certificateMessage } from './held';
import { ownerFingerprint, supervisorFingerprint } from './key-text';
import { SUPERVISOR_TABLE, type SupervisorRecord } from './student';

export interface CertificateCheck {
  certificate: ShareCertificate;
  /** The supervisor in this vault whose key signed it. */
  supervisor: { id: string; label: string; fingerprint: string };
}

const certificateFileSchema = z.strictObject({
  certificate: z.strictObject({
    vaultId: z.string(),
    title: z.string(),
    supervisorFingerprint: z.string(),
    ownerFingerprint: z.string(),
    version: z.number().int().min(1),
    until: z.string().refine(isIsoDate),
    destroyedAt: z.iso.datetime(),
    reason: z.literal('end-date'),
    counts: z.strictObject({ transcripts: z.number(), codes: z.number(), segments: z.number(), themes: z.number(), memos: z.number() }),
    participants: z.array(z.string()),
  }),
  signature: z.string(),
});

/**
 * Check a certificate of deletion the supervisor sent back (the .json, or the .html, which
 * carries the same signed text): signed by a supervisor of this vault, about this vault's
 * share. INTEGRITY when the signature does not verify or it is about another project;
 * NOT_FOUND when no supervisor here has that key.
 */
export function verifyShareCertificate(session: VaultSession, fileText: string, crypto: Pick<Crypto, 'verify'>): CertificateCheck {
  let raw = fileText.trim();
  if (!raw.startsWith('{')) {
    // The HTML page keeps the signed JSON in its one <pre>, escaped.
    const m = /<pre>([\s\S]*?)<\/pre>/.exec(raw);
    if (!m) throw integrity('this is not a Hvelv certificate of deletion');
    raw = m[1]!.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
  }
  let file: z.infer<typeof certificateFileSchema>;
  try {
    file = certificateFileSchema.parse(JSON.parse(raw));
  } catch (err) {
    throw integrity('this is not a Hvelv certificate of deletion, or it was changed', err);
  }
  const c = file.certificate as ShareCertificate;
  if (c.vaultId !== session.vaultId) throw integrity('the certificate is about another project’s share');
  const store = session.stores.transcripts;
  const norm = (f: string) => f.replace(/-/g, '').toUpperCase();
  const sup = store.list<SupervisorRecord>(SUPERVISOR_TABLE).find((r) => norm(supervisorFingerprint({ box: fromB64(r.data.box), sign: fromB64(r.data.sign) })) === norm(c.supervisorFingerprint));
  if (!sup) throw new HvelvError('NOT_FOUND', `no supervisor with the key ${c.supervisorFingerprint} in this vault`);
  let signature: Uint8Array;
  try {
    signature = fromB64(file.signature, 64, 'signature');
  } catch (err) {
    throw integrity('the certificate’s signature is malformed', err);
  }
  if (!crypto.verify(fromB64(sup.data.sign, 32), certificateMessage(c), signature)) throw integrity('the certificate was changed, or not signed by that supervisor (signature does not verify)');
  if (c.ownerFingerprint !== ownerFingerprint(session.ownerPublicKey)) throw integrity('the certificate names another student’s key');
  return { certificate: c, supervisor: { id: sup.id, label: sup.data.label, fingerprint: supervisorFingerprint({ box: fromB64(sup.data.box), sign: fromB64(sup.data.sign) }) } };
}
