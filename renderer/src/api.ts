/** Typed access to main through the preload bridge (`window.hvelv`). */
import type { AppEvent, HvelvApi, Input, Method, Outputs } from '../../shared/contract';
import type { Result } from '../../shared/errors';

declare global {
  interface Window {
    hvelv: HvelvApi;
  }
}

export function call<M extends Method>(method: M, input: Input<M>): Promise<Result<Outputs[M]>> {
  return window.hvelv.invoke(method, input).catch(() => ({
    ok: false as const,
    error: { code: 'INTERNAL' as const, message: 'the request did not reach the app' },
  }));
}

export function onAppEvent(listener: (e: AppEvent) => void): () => void {
  return window.hvelv.onEvent(listener);
}
