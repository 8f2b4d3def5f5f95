/**
 * Long work started from a screen (a share with recordings, an export): a job id for main,
 * its progress from AppEvent 'work-progress', and a bar with the time left and Cancel,
 * shown only once the work has taken a second (issue 27). The work runs off main's
 * thread or in slices, so the window answers meanwhile.
 */
import { useEffect, useRef, useState } from 'react';
import { call, onAppEvent } from '../api';
import { useI18n } from '../i18n';

interface Job {
  id: string;
  bytes: number;
  total: number;
  started: number;
}

/** How long before the bar shows: shorter work is over before a bar could be read. */
const SHOW_AFTER_MS = 1000;

export function useWork(): { job: Job | null; start(): string; stop(): void } {
  const [job, setJob] = useState<Job | null>(null);
  const ref = useRef<Job | null>(null);
  ref.current = job;
  useEffect(
    () =>
      onAppEvent((e) => {
        if (e.type === 'work-progress' && ref.current?.id === e.jobId) setJob({ ...ref.current, bytes: e.bytes, total: e.total });
      }),
    [],
  );
  return {
    job,
    start() {
      const id = `work-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      setJob({ id, bytes: 0, total: 0, started: Date.now() });
      return id;
    },
    stop: () => setJob(null),
  };
}

/** "1:05" from milliseconds. */
function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `note`: said under the bar (why there is no Cancel, for work that keeps a promise to delete). */
export function WorkProgressBar({ job, what, cancellable = true, note }: { job: Job | null; what: string; cancellable?: boolean; note?: string }) {
  const { t } = useI18n();
  const [, tick] = useState(0);
  // Re-rendered each half second, so the bar appears after a second even between updates.
  useEffect(() => {
    if (!job) return;
    const timer = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [job]);
  if (!job) return null;
  const elapsed = Date.now() - job.started;
  if (elapsed < SHOW_AFTER_MS) return null;
  const percent = job.total > 0 ? Math.floor((job.bytes / job.total) * 100) : 0;
  const left = job.bytes > 0 ? ((job.total - job.bytes) / job.bytes) * elapsed : null;
  const label = left === null ? t('work.progressStarting', { what, percent }) : t('work.progress', { what, percent, left: clock(left) });
  return (
    <div className="import-progress" role="status">
      <progress max={100} value={percent} aria-label={label} />
      <span>{label}</span>
      {cancellable && (
        <button type="button" className="secondary" onClick={() => void call('work.cancel', { jobId: job.id })}>
          {t('rec.cancel')}
        </button>
      )}
      {note && <p className="hint">{note}</p>}
    </div>
  );
}
