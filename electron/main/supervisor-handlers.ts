/**
 * The supervisor methods of the IPC contract (issue 10, shared/supervisor.ts), over core's
 * services in electron/core/services/supervisor/. Kept beside handlers.ts as
 * analysis-handlers.ts is; no Electron here, every input already parsed by the contract.
 */
import type { Method, Outputs, ParsedInput } from '../../shared/contract';
import { HvelvError } from '../core/errors';

type SupervisorMethod = Extract<Method, `supervisors.${string}` | `shares.${string}` | `feedback.${string}` | `supervisor.${string}`>;
export type SupervisorHandlers = { [M in SupervisorMethod]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

const notBuilt = (): never => {
  throw new HvelvError('NOT_BUILT', 'the supervisor is being built');
};

export function supervisorHandlers(): SupervisorHandlers {
  return {
    'supervisors.list': notBuilt,
    'supervisors.checkKey': notBuilt,
    'supervisors.add': notBuilt,
    'supervisors.remove': notBuilt,
    'supervisors.holding': notBuilt,
    'shares.plan': notBuilt,
    'shares.create': notBuilt,
    'feedback.chooseFile': notBuilt,
    'feedback.import': notBuilt,
    'feedback.list': notBuilt,
    'feedback.reply': notBuilt,
    'feedback.resolve': notBuilt,
    'supervisor.recent': notBuilt,
    'supervisor.init': notBuilt,
    'supervisor.unlock': notBuilt,
    'supervisor.state': () => ({ unlocked: false }),
    'supervisor.lock': () => null,
    'supervisor.chooseShare': notBuilt,
    'supervisor.openShare': notBuilt,
    'supervisor.shares': notBuilt,
    'supervisor.content': notBuilt,
    'supervisor.transcript': notBuilt,
    'supervisor.retrieve': notBuilt,
    'supervisor.search': notBuilt,
    'supervisor.comments': notBuilt,
    'supervisor.comment': notBuilt,
    'supervisor.deleteComment': notBuilt,
    'supervisor.exportFeedback': notBuilt,
    'supervisor.saveCertificate': notBuilt,
  };
}
