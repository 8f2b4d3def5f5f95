/**
 * Each run of the suite gets a temporary folder of its own (TMPDIR for every worker,
 * and so for SQLite's and Chromium's temporary files too). The forensic tests scan
 * "every temp file written since the test began" for plaintext; with a shared /tmp, a
 * second run of the suite on the same machine (a CI clone beside a working copy)
 * wrote the same invented names there. The folder, with the gigabytes the import
 * tests write, is removed at the end.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-tests-'));
  process.env.TMPDIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
