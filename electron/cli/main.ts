/** Entry point of the `hvelv` command (bundled to out/main/cli.js). */
import { run } from './index';
import { EXIT_PIPE_CLOSED, nodeIo } from './io';

const io = nodeIo();
process.exitCode = await run(process.argv.slice(2), io);
// A closed pipe is seen when the write fails, which may be after run() has returned: the
// exit code is settled as the process ends.
process.on('exit', () => {
  if (io.pipeClosed?.()) process.exitCode = EXIT_PIPE_CLOSED;
});
