/**
 * Issue 14's items left after two rounds (docs/hardening.md, "Third round"): every file the
 * user names is read through the descriptor that was checked; the text a .docx keeps
 * outside its body; UTF-16 without a byte-order mark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { probeAudio } from '../../electron/core/services/recordings';
import { withRegularFile } from '../../electron/core/services/user-file';
import { HvelvError } from '../../electron/core/errors';
import { makeWav, tempDir } from './helpers';

describe('a user-named file is read through the descriptor that was checked', () => {
  it('withRegularFile: a FIFO put at the path after the check is never what is read', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'opptak.wav');
    fs.writeFileSync(file, 'the file that was checked');
    const read = await withRegularFile(file, async (opened) => {
      fs.renameSync(file, path.join(dir, 'moved-away'));
      expect(spawnSync('mkfifo', [file]).status).toBe(0);
      return fs.readFileSync(opened, 'utf8');
    });
    expect(read).toBe('the file that was checked');
  });

  it('audio import: a FIFO swapped in and out at the path while it is probed never blocks', async () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.wav');
    makeWav(good, 1, 3);
    const p = path.join(dir, 'opptak.wav');
    fs.copyFileSync(good, p);
    // Another process swaps the path between the WAV and a FIFO as fast as it can (each swap one rename).
    const swapper = spawn('bash', ['-c', `while true; do cp -f '${good}' '${p}.f' && mv -f '${p}.f' '${p}'; mkfifo '${p}.p' && mv -f '${p}.p' '${p}'; done`], { stdio: 'ignore' });
    const outcomes = { probed: 0, refused: 0, hung: 0 };
    try {
      for (let i = 0; i < 150 && outcomes.hung === 0; i++) {
        const r = await Promise.race([
          probeAudio(p).then(
            () => 'probed' as const,
            (e: unknown) => {
              if (e instanceof HvelvError && (e.code === 'FILE_NOT_REGULAR' || e.code === 'FILE_UNREADABLE')) return 'refused' as const;
              throw e;
            },
          ),
          new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 3000)),
        ]);
        outcomes[r]++;
      }
    } finally {
      swapper.kill('SIGKILL');
    }
    expect(outcomes.hung).toBe(0);
    // Both were met: the race was really run.
    expect(outcomes.probed).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 60_000);
});
