/** Entry point of the `hvelv` command (bundled to out/main/cli.js). */
import { run } from './index';
import { nodeIo } from './io';

process.exitCode = await run(process.argv.slice(2), nodeIo());
