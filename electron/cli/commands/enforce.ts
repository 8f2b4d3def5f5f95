/**
 * `hvelv enforce`: what the daily job runs. Kept apart from the other deadline commands
 * and free of libsodium, SQLite and the string catalogue until something is due (the
 * signed header is checked with node:crypto's Ed25519; a deletion certificate's text is
 * loaded only when one is written), so a run with nothing due starts in well under a
 * tenth of a second above Node's own start (docs/benchmarks.md).
 */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { count, UsageError } from '../io';
import { nodeEd25519 } from '../../core/crypto/ed25519';
import { parseNowOption } from '../../core/services/project-end/headless-enforce';
import { enforceProjectEndLazily } from '../../core/services/project-end/steps';
import { terminalProgress } from '../progress';

export async function cmdEnforce(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { values, positionals } = parse(args, { now: { type: 'string' }, 'owner-key': { type: 'string' }, yes: { type: 'boolean' } }, 1);
  const requested = str(values.now) ? parseNowOption(str(values.now)) : undefined;
  if (requested === null) throw new UsageError('--now must be a date (YYYY-MM-DD) or an ISO 8601 date-time (2031-06-29T12:00:00Z)');
  // --now is for previews: destroying at a day that has not come needs --yes as well (the
  // daily job never passes --now, and the app's headless entry does not take --yes).
  // The recordings' overwriting is the long part: its progress on stderr when that is a
  // terminal and past a second, as `hvelv withdraw` prints it; none for --json (a script's).
  const r = await enforceProjectEndLazily(positionals[0]!, {
    crypto: nodeEd25519,
    now: io.now(),
    requestedNow: requested,
    ownerKey: str(values['owner-key']) || undefined,
    preview: requested !== undefined && !values.yes,
  }, values.json ? undefined : terminalProgress(io));
  if (values.json) io.out(JSON.stringify({ ok: true, ...r }));
  else if (!r.due) io.out(`${r.title}: nothing is due; the project ends ${r.endDate} (${count(r.daysLeft, 'day', 'days')}).`);
  else if (r.wouldDestroy) {
    io.out(`${r.title}: on ${r.effectiveDate} the project will have ended (${r.endDate}); ${r.wouldDestroy.length > 0 ? `then destroyed: ${r.wouldDestroy.join(', ')}` : 'nothing more is due'}.`);
    io.out('A preview: nothing was destroyed. Add --yes to destroy it now, before the day has come.');
  }
  else if (r.destroyedNow.length > 0) {
    io.out(`${r.title}: the project ended ${r.endDate}. Destroyed now: ${r.destroyedNow.join(', ')}.`);
    if (r.certificate) io.out(`Deletion certificate: ${r.certificate.html}`);
  } else io.out(`${r.title}: the project ended ${r.endDate}; ${r.destroyedBefore.join(', ') || 'nothing'} already destroyed, nothing more is due.`);
  return EXIT.ok;
}
