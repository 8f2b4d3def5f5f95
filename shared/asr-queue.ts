/** The queue of automatic drafts (electron/core/services/asr/queue.ts), as the app and the CLI show it. */
import type { AsrLanguage } from './asr';

export type QueueItemState = 'waiting' | 'running' | 'done' | 'failed';

export interface QueueItem {
  recordingId: string;
  code: string;
  durationMs: number;
  state: QueueItemState;
  /** The running one: its own progress; the waiting ones: 0. */
  percent: number;
  /** The running one: its estimate; the waiting ones: from the speed of those done (null before any is done). */
  remainingMs: number | null;
  /** For a failed one: the error's code. */
  error?: string;
}

export interface QueueState {
  model: string;
  language: AsrLanguage;
  paused: boolean;
  items: QueueItem[];
  /** In the app: whether a draft of the queue is being made now (not after a restart, until "continue"). */
  running?: boolean;
}
