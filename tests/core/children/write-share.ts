/**
 * A child process for tests/core/hardening-fourth.test.ts: unlocks a test vault (the fast test
 * KDF) and writes a share with recordings to argv[3], so that the test can kill it part way
 * with SIGKILL, as a user or the system would.
 */
import { createCrypto } from '../../../electron/core/crypto/sodium';
import { Supervisors } from '../../../electron/core/services/supervisor/student';
import { unlockVault } from '../../../electron/core/vault/vault';
import { TEST_KDF_POLICY } from '../helpers';

const [vault, out, passphrase] = process.argv.slice(2) as [string, string, string];
const now = () => new Date('2026-11-27T10:00:00Z');
const crypto = await createCrypto();
const session = await unlockVault(vault, new TextEncoder().encode(passphrase), { crypto, kdfPolicy: TEST_KDF_POLICY, now });
const students = new Supervisors(session, now, crypto);
const [entry] = students.list();
const created = students.create(entry!.id, students.plan(entry!.id).findings.map((f) => f.id));
process.stdout.write('writing\n');
students.writeShare(out, created);
session.lock();
