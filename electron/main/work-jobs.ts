/**
 * Long work the page started with a job id (a share with recordings, an export): its
 * progress goes to the page as AppEvent 'work-progress' (at most ten a second), and
 * `work.cancel` with the id aborts it. The work itself runs off this thread or in slices
 * (core's), so the window keeps answering meanwhile (issue 27).
 */
import type { AppEvent } from '../../shared/contract';
import { HvelvError } from '../core/errors';

export type WorkProgress = { bytes: number; total: number };

export class WorkJobs {
  private readonly jobs = new Map<string, AbortController>();

  constructor(
    private readonly emit: (e: AppEvent) => void,
    /** Called with each update: long work is activity (the idle lock waits). */
    private readonly touch: () => void = () => undefined,
  ) {}

  /** Run `work` under `jobId` (none: no progress and no cancel, as before). */
  async run<T>(jobId: string | undefined, work: (opts: { signal?: AbortSignal; onProgress?: (p: WorkProgress) => void }) => Promise<T>): Promise<T> {
    if (!jobId) return work({});
    // One id, one job: a second under an id still running would take over its Cancel (the
    // first could no longer be stopped) and mix its progress with the first's.
    if (this.jobs.has(jobId)) throw new HvelvError('INVALID_INPUT', 'that job is already running');
    const ctl = new AbortController();
    this.jobs.set(jobId, ctl);
    let last = 0;
    try {
      return await work({
        signal: ctl.signal,
        onProgress: ({ bytes, total }) => {
          const t = Date.now();
          if (t - last < 100 && bytes < total) return;
          last = t;
          this.touch();
          this.emit({ type: 'work-progress', jobId, bytes, total });
        },
      });
    } finally {
      this.jobs.delete(jobId);
    }
  }

  cancel(jobId: string): void {
    this.jobs.get(jobId)?.abort();
  }
}
