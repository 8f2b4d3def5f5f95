/**
 * "Transkriber alle opptak uten transkripsjon" (issue 26): the queue of drafts on the
 * recordings screen. One at a time, each recording with its progress and time left,
 * paused and continued here; it runs in main (services/asr/queue.ts) and is kept in the
 * vault, so after a lock or a restart it is here to continue. Asks for the queue's state
 * once a second while it is shown.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import { pickModel, type AsrLanguage } from '../../../../shared/asr';
import type { QueueState } from '../../../../shared/asr-queue';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatDuration } from '../../components/format';

export function QueuePanel({ waiting, onDrafted }: { waiting: number; onDrafted(): void }) {
  const { t } = useI18n();
  const [queue, setQueue] = useState<QueueState | null>(null);
  const [model, setModel] = useState<{ name: string; language: AsrLanguage } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const drafted = useRef(onDrafted);
  drafted.current = onDrafted;

  const refresh = useCallback(async () => {
    const r = await call('asr.queue.state', {});
    if (r.ok) setQueue(r.value);
  }, []);
  useEffect(() => {
    void refresh();
    void (async () => {
      const m = await call('asr.models', {});
      if (m.ok && m.value.files.length > 0) setModel({ name: pickModel(m.value.files, null, m.value.lastModel), language: m.value.defaultLanguage });
    })();
  }, [refresh]);
  // While a draft runs: its progress, once a second; and the list of transcripts when one is done.
  const done = queue?.items.filter((i) => i.state === 'done').length ?? 0;
  useEffect(() => {
    if (!queue?.running) return;
    const timer = window.setInterval(() => void refresh(), 1000);
    return () => window.clearInterval(timer);
  }, [queue?.running, refresh]);
  useEffect(() => {
    if (done > 0) drafted.current();
  }, [done]);

  const act = async (method: 'asr.queue.pause' | 'asr.queue.resume') => {
    const r = await call(method, {});
    if (r.ok) setQueue(r.value);
    else setError(r.error);
  };
  const start = async () => {
    if (!model) return;
    const r = await call('asr.queue.start', { model: model.name, language: model.language });
    if (r.ok) setQueue(r.value);
    else setError(r.error);
  };

  const left = queue?.items.filter((i) => i.state === 'waiting' || i.state === 'running') ?? [];
  if (waiting === 0 && left.length === 0) return null;
  return (
    <section className="card" aria-labelledby="asrq-h">
      <h2 id="asrq-h">{t('asrq.title')}</h2>
      <ErrorBanner error={error} />
      {!model && <p className="muted">{t('asrq.noModel')}</p>}
      {left.length === 0 && waiting > 0 && model && (
        <>
          <p>{t('asrq.offer', { n: waiting, model: model.name })}</p>
          <button type="button" onClick={() => void start()}>
            {t('asrq.start')}
          </button>
        </>
      )}
      {queue && queue.items.length > 0 && left.length > 0 && (
        <>
          <ul className="asr-queue">
            {queue.items.map((i) => (
              <li key={i.recordingId}>
                <span>
                  {i.code} ({formatDuration(i.durationMs)})
                </span>
                {i.state === 'running' && <progress max={100} value={i.percent} aria-label={t('asrq.progressOf', { code: i.code, percent: Math.floor(i.percent) })} />}
                <span className="muted">
                  {i.state === 'done'
                    ? t('asrq.state.done')
                    : i.state === 'failed'
                      ? t('asrq.state.failed')
                      : i.state === 'running'
                        ? t('asrq.state.running', { percent: Math.floor(i.percent), left: i.remainingMs === null ? '–' : formatDuration(i.remainingMs) })
                        : i.remainingMs === null
                          ? t('asrq.state.waiting')
                          : t('asrq.state.waitingFor', { left: formatDuration(i.remainingMs) })}
                </span>
              </li>
            ))}
          </ul>
          <p className="hint">{t('asrq.hint')}</p>
          <div className="actions start">
            {queue.running && !queue.paused ? (
              <button type="button" className="secondary" onClick={() => void act('asr.queue.pause')}>
                {t('asrq.pause')}
              </button>
            ) : (
              <button type="button" onClick={() => void act('asr.queue.resume')}>
                {t('asrq.resume')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
