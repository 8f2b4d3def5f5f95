/**
 * Makes tests/fixtures/golden-vault: a small vault with fixed randomness and a
 * fixed clock, committed so that a change that cannot open vaults made by
 * earlier versions fails CI. Run only when the format version changes (and then
 * keep the old golden vault too):
 *
 *   npx tsx scripts/make-golden-vault.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCrypto } from '../electron/core/crypto/sodium';
import { PRODUCTION_KDF_POLICY } from '../electron/core/crypto/kdf';
import { createVault } from '../electron/core/vault/vault';
import { admit, seededRandom, SAMPLE_FACTS, pw } from '../tests/core/helpers';
import { GOLDEN } from '../tests/fixtures/golden';

const target = path.join(import.meta.dirname, '..', 'tests', 'fixtures', 'golden-vault');
fs.rmSync(target, { recursive: true, force: true });
const crypto = await createCrypto(seededRandom('hvelv golden vault v1'));
let clock = Date.parse('2026-11-27T09:00:00.000Z');
const session = await createVault(
  target,
  pw(GOLDEN.passphrase),
  SAMPLE_FACTS,
  { crypto, kdfPolicy: PRODUCTION_KDF_POLICY, now: () => new Date((clock += 1000)) },
  { kdf: { opslimit: 3, memlimit: 64 * 1024 * 1024 } },
);
admit(session, { name: 'Gullny Testesen', email: 'gullny@example.no' }, () => new Date((clock += 1000)));
for (const r of GOLDEN.records) session.stores[r.store].put(r.table, { id: r.id, participant: r.participant, data: r.data });
session.lock();
console.log(`wrote ${target}`);
