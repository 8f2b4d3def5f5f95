/**
 * The queue of drafts in the app (services/asr/queue.ts): started, paused and resumed
 * from the recordings screen, which asks for its state once a second while it shows it.
 * The queue runs here, in main, one draft at a time in the recognition process; after a
 * lock or a restart the page offers to continue it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Outputs, ParsedInput } from '../../shared/contract';
import type { AsrLanguage } from '../../shared/asr';
import type { VaultSession } from '../core/vault/vault';
import { DraftQueue, queueRunning } from '../core/services/asr/queue';
import type { WorkerSpawner } from '../core/services/asr/draft';

type QueueChannels = 'asr.queue.state' | 'asr.queue.start' | 'asr.queue.pause' | 'asr.queue.resume';
type QueueHandlers = { [M in QueueChannels]: (input: ParsedInput<M>) => Outputs[M] };

export interface QueueDeps {
  session: () => VaultSession;
  now: () => Date;
  modelsDir: () => string;
  spawn?: WorkerSpawner;
  chosen(model: string, language: AsrLanguage): void;
}

export function asrQueueHandlers(deps: QueueDeps): QueueHandlers {
  const queue = () => new DraftQueue(deps.session(), deps.now);
  const state = () => {
    const s = queue().state();
    return s && { ...s, model: path.basename(s.model), running: queueRunning(deps.session()) };
  };
  const kick = () => {
    const session = deps.session();
    if (queueRunning(session)) return;
    // Errors end the run (a lock: the queue record says where to go on); the page sees them in the state.
    void new DraftQueue(session, deps.now).run({ threads: Math.max(1, os.availableParallelism() - 1), spawn: deps.spawn }).catch(() => undefined);
  };
  return {
    'asr.queue.state': () => state(),
    'asr.queue.start': ({ model, language }) => {
      // Only a model in the models folder, by name: the page never names a path.
      const file = path.join(deps.modelsDir(), path.basename(model));
      deps.chosen(path.basename(model), language);
      queue().enqueueAll({ model: file, language });
      kick();
      return state();
    },
    'asr.queue.pause': () => {
      queue().pause();
      return state();
    },
    'asr.queue.resume': () => {
      queue().resume();
      kick();
      return state();
    },
  };
}
