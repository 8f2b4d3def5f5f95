/**
 * The vault's lock between processes (the attack review of issue 32's new lock): when a
 * stale lock is taken over by several processes at once, exactly one may hold the vault;
 * and something at the lock's name that Hvelv did not make (a named pipe, a folder) gives
 * a clear error at once, never a hang of the daily job.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE } from '../../electron/core/vault/lock';
import { tempDir } from './helpers';

const CHILD = path.join(import.meta.dirname, 'children', 'take-lock.ts');
const hostTag = `#${createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8)}`;

function run(dir: string, at: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(at), '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

describe('the vault lock between processes', () => {
  it.skipIf(process.platform === 'win32')('lets exactly one of six processes take over a stale lock at the same moment', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const dir = tempDir('hvelv-lock-race-');
      // A lock whose process is long gone (pid 999999 is above Linux's default pid_max here).
      fs.symlinkSync(`999999 enforce 1700000000 ${hostTag}`, path.join(dir, LOCK_FILE));
      // Far enough ahead for six Node processes with tsx to start on two cores.
      const at = Date.now() + 6000;
      const results = await Promise.all(Array.from({ length: 6 }, () => run(dir, at)));
      expect(results.filter((r) => r === 'got'), results.join(', ')).toHaveLength(1);
      expect(results.filter((r) => r.startsWith('busy VAULT_BUSY'))).toHaveLength(5);
    }
  }, 120_000);

  it.skipIf(process.platform === 'win32')('refuses at once, with a clear error, a named pipe or a folder at the lock\'s name', () => {
    const dir = tempDir('hvelv-lock-fifo-');
    const fifo = path.join(dir, LOCK_FILE);
    const made = spawnSyncMkfifo(fifo);
    if (made) {
      const t = Date.now();
      expect(() => acquireLock(dir, 'enforce')).toThrow(/not a lock Hvelv made/);
      expect(Date.now() - t).toBeLessThan(5000);
      fs.rmSync(fifo);
    }
    fs.mkdirSync(fifo);
    expect(() => acquireLock(dir, 'enforce')).toThrow(/not a lock Hvelv made/);
    // Nothing of the user's was removed.
    expect(fs.statSync(fifo).isDirectory()).toBe(true);
  });
});

function spawnSyncMkfifo(p: string): boolean {
  return spawnSync('mkfifo', [p]).status === 0;
}
