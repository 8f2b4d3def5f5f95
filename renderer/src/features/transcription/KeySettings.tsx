/**
 * Settings → Transcription: every binding, changed by pressing the new key, with
 * conflicts (two actions on one key) and reserved keys (what typing, editing and screen
 * readers need) shown as they happen and refused on saving. Also the rewind on resume,
 * the step lengths and what each foot pedal does. App settings, not personal data.
 */
import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import { useUnsaved } from '../../components/unsaved';
import type { TranscriptionSettings } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { MessageKey } from '../../../../shared/i18n/catalogue';
import { ACTIONS, bindingProblems, chordOf, DEFAULT_BINDINGS, DEFAULT_PEDALS, DEFAULT_PLAYBACK, LIMITS, PEDALS, typesCharacter, type Action, type Bindings } from '../../../../shared/transcription';

export function actionName(t: (k: MessageKey, p?: Record<string, string | number>) => string, a: Action): string {
  if (a.startsWith('speaker')) return t('tx.action.speaker', { n: a.slice(7) });
  if (a.startsWith('marker')) return t('tx.action.marker', { n: a.slice(6) });
  return t(`tx.action.${a}` as MessageKey);
}

export function KeySettings() {
  const { t } = useI18n();
  const [stored, setStored] = useState<TranscriptionSettings | null>(null);
  const [bindings, setBindings] = useState<Bindings>(DEFAULT_BINDINGS);
  const [playback, setPlayback] = useState({ rewind: String(DEFAULT_PLAYBACK.rewindOnResumeMs / 1000), skip: String(DEFAULT_PLAYBACK.skipMs / 1000), longSkip: String(DEFAULT_PLAYBACK.longSkipMs / 1000) });
  const [pedals, setPedals] = useState(DEFAULT_PEDALS);
  const [capturing, setCapturing] = useState<Action | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState(false);
  const [rangeError, setRangeError] = useState<string | null>(null);

  useEffect(() => {
    void (async () => {
      const r = await call('transcription.settings', {});
      if (!r.ok) return setError(r.error);
      setStored(r.value);
      setBindings(r.value.bindings);
      setPedals(r.value.pedals);
      const p = r.value.playback;
      setPlayback({ rewind: String(p.rewindOnResumeMs / 1000), skip: String(p.skipMs / 1000), longSkip: String(p.longSkipMs / 1000) });
    })();
  }, []);

  // While waiting for a key, the next chord pressed is the new binding (Tab still moves on).
  useEffect(() => {
    if (!capturing) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Tab') return setCapturing(null);
      // A key that types a character on this keyboard (Option+2 is @ on a Norwegian Mac) stays typing.
      if (typesCharacter(e)) return;
      const chord = chordOf(e);
      if (!chord) return;
      e.preventDefault();
      e.stopPropagation();
      setBindings((b) => ({ ...b, [capturing]: b[capturing].includes(chord) ? b[capturing] : [...b[capturing], chord].slice(-4) }));
      setCapturing(null);
      setSaved(false);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [capturing]);

  const problems = bindingProblems(bindings);
  const problemText = (chord: string) => {
    const p = problems.find((x) => x.chord === chord);
    if (!p) return null;
    return p.kind === 'reserved' ? t('tx.settings.reserved', { key: chord }) : t('tx.settings.conflict', { key: chord, actions: p.actions.map((a) => actionName(t, a)).join(t('tx.settings.and')) });
  };
  const dirty = stored !== null && (JSON.stringify(stored.bindings) !== JSON.stringify(bindings) || JSON.stringify(stored.pedals) !== JSON.stringify(pedals) || stored.playback.rewindOnResumeMs / 1000 !== Number(playback.rewind) || stored.playback.skipMs / 1000 !== Number(playback.skip) || stored.playback.longSkipMs / 1000 !== Number(playback.longSkip));

  useUnsaved(dirty);

  async function save() {
    setSaved(false);
    const ms = { rewindOnResumeMs: Math.round(Number(playback.rewind) * 1000), skipMs: Math.round(Number(playback.skip) * 1000), longSkipMs: Math.round(Number(playback.longSkip) * 1000) };
    for (const k of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
      if (!Number.isFinite(ms[k]) || ms[k] < LIMITS[k][0] || ms[k] > LIMITS[k][1]) {
        setRangeError(`${t(k === 'rewindOnResumeMs' ? 'tx.settings.rewind' : k === 'skipMs' ? 'tx.settings.skip' : 'tx.settings.longSkip')}: ${LIMITS[k][0] / 1000}–${LIMITS[k][1] / 1000}`);
        return;
      }
    }
    setRangeError(null);
    const r = await call('transcription.saveSettings', { bindings, playback: ms, pedals });
    if (!r.ok) return setError(r.error);
    setError(null);
    setStored(r.value);
    setBindings(r.value.bindings);
    setSaved(true);
  }

  return (
    <section className="card tx-settings" aria-labelledby="tx-settings-h">
      <h2 id="tx-settings-h">{t('tx.settings.title')}</h2>
      <p className="hint">{t('tx.settings.intro')}</p>
      <table className="tx-keys">
        <thead>
          <tr>
            <th scope="col">{t('tx.settings.action')}</th>
            <th scope="col">{t('tx.settings.keys')}</th>
          </tr>
        </thead>
        <tbody>
          {ACTIONS.map((a) => {
            const name = actionName(t, a);
            return (
              <tr key={a}>
                <th scope="row">{name}</th>
                <td>
                  <div className="tx-keycell">
                  <ul className="tx-chords">
                    {bindings[a].map((c) => {
                      const p = problemText(c);
                      return (
                        <li key={c} className={p ? 'tx-chord-bad' : undefined}>
                          <kbd>{c}</kbd>
                          <button type="button" className="link" aria-label={t('tx.settings.removeKey', { key: c, action: name })} onClick={() => setBindings((b) => ({ ...b, [a]: b[a].filter((x) => x !== c) }))}>
                            ×
                          </button>
                          {p && <span className="field-error">{p}</span>}
                        </li>
                      );
                    })}
                  </ul>
                  <button type="button" className="secondary small" onClick={() => setCapturing(capturing === a ? null : a)} aria-pressed={capturing === a}>
                    {capturing === a ? t('tx.settings.pressKey') : t('tx.settings.addKey')}
                    {/* The name begins with what is shown, then says which action (axe: label-content-name-mismatch). */}
                    <span className="sr-only"> – {t('tx.settings.change', { action: name })}</span>
                  </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="field">
        <label htmlFor="tx-rewind">{t('tx.settings.rewind')}</label>
        <input id="tx-rewind" inputMode="decimal" value={playback.rewind} onChange={(e) => setPlayback({ ...playback, rewind: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="tx-skip">{t('tx.settings.skip')}</label>
        <input id="tx-skip" inputMode="decimal" value={playback.skip} onChange={(e) => setPlayback({ ...playback, skip: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="tx-longskip">{t('tx.settings.longSkip')}</label>
        <input id="tx-longskip" inputMode="decimal" value={playback.longSkip} onChange={(e) => setPlayback({ ...playback, longSkip: e.target.value })} />
      </div>
      {PEDALS.map((p) => (
        <div className="field" key={p}>
          <label htmlFor={`tx-pedal-${p}`}>{t('tx.settings.pedal', { pedal: t(`tx.settings.pedal.${p}`) })}</label>
          <select id={`tx-pedal-${p}`} value={pedals[p] ?? ''} onChange={(e) => setPedals({ ...pedals, [p]: (e.target.value || null) as Action | null })}>
            <option value="">{t('tx.settings.pedalNone')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionName(t, a)}
              </option>
            ))}
          </select>
        </div>
      ))}
      {rangeError && <p className="field-error">{rangeError}</p>}
      <ErrorBanner error={error} />
      {saved && <p role="status">{t('tx.settings.saved')}</p>}
      <div className="actions start wrap">
        <button type="button" onClick={() => void save()} disabled={problems.length > 0}>
          {t('tx.settings.save')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setBindings(DEFAULT_BINDINGS);
            setPedals(DEFAULT_PEDALS);
            setPlayback({ rewind: '2', skip: '5', longSkip: '30' });
            setSaved(false);
          }}
        >
          {t('tx.settings.reset')}
        </button>
        {dirty && <span className="hint">{t('tx.settings.unsaved')}</span>}
      </div>
    </section>
  );
}
