/** The command's terminal in the CLI tests: what it printed, kept per stream; no prompt; a fixed clock. */
import type { CliIo } from '../../electron/cli/io';

export type TestIo = CliIo & { stdout: string[]; stderr: string[] };

export const TEST_NOW = (): Date => new Date('2026-11-27T12:00:00Z');

export function testIo(env: Record<string, string | undefined>, now: () => Date = TEST_NOW): TestIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env,
    isTty: false,
    promptHidden: () => Promise.reject(new Error('no terminal in tests')),
    now,
  };
}
