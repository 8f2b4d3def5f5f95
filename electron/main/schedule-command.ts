/**
 * What the daily end-date job runs (electron/core/services/project-end/schedule.ts writes
 * it into a systemd unit, a launchd plist or a scheduled task). No Electron: the inputs are
 * passed in, so the AppImage case is tested as it happens.
 */
import * as path from 'node:path';
import { appExecutable, packagedEnforceCommand } from '../core/services/project-end/headless-enforce';
import type { EnforceCommand } from '../core/services/project-end/schedule';

export function scheduleCommandFor(app: { isPackaged: boolean; appPath: string }, execPath: string, env: Readonly<Record<string, string | undefined>>): EnforceCommand {
  // The packaged app's own headless entry (RunAsNode is fused off), by the file that stays:
  // an AppImage's, not its temporary mount. A development build, which has no fuses, runs
  // Electron as Node on the bundled CLI.
  return app.isPackaged
    ? packagedEnforceCommand(appExecutable(env, execPath))
    : { argv: [execPath, path.join(app.appPath, 'out', 'main', 'cli.js')], env: { ELECTRON_RUN_AS_NODE: '1' } };
}
