/**
 * The `hvelv` command with the tests' fast KDF, run as a child process by
 * tests/cli/backup.test.ts so it can be killed with SIGKILL in the middle of a backup.
 * Everything else is the real command: the same run(), the same core, the real files.
 */
import { run } from '../../electron/cli/index';
import { nodeIo } from '../../electron/cli/io';
import { TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

process.exitCode = await run(process.argv.slice(2), nodeIo(), { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } });
