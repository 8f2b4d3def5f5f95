/**
 * Settings → Speech models: the installed models, each with its size, which model it is,
 * the expected time on this computer and whether it is verified (its files are those of
 * an archive whose SHA-256 was checked), or why it cannot be used; and the models Hvelv
 * knows, each with a download button. Every file is read and hashed in main, never run,
 * so a damaged or hostile file is named here before a draft is ever started with it.
 *
 * The download runs in main (this page's CSP reaches only its own origin): the page
 * names only a known model's id, and sees the progress as events.
 */
import { useEffect, useRef, useState } from 'react';
import { call, onAppEvent } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { AsrModels, KnownModels, ModelFileCheck, ModelInstallPhase } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';

interface Download {
  id: string;
  model: string;
  name: string;
  phase: ModelInstallPhase;
  bytes: number;
  total: number | null;
}

export function ModelSettings() {
  const { t, locale, error: errorText } = useI18n();
  const [folder, setFolder] = useState<AsrModels | null>(null);
  const [checks, setChecks] = useState<ModelFileCheck[] | null>(null);
  const [known, setKnown] = useState<KnownModels | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [download, setDownload] = useState<Download | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const downloadRef = useRef<Download | null>(null);
  downloadRef.current = download;
  const live = useRef(true);

  const load = async () => {
    const [m, k] = await Promise.all([call('asr.models', {}), call('asr.knownModels', {})]);
    if (!live.current) return;
    if (!m.ok) return setError(m.error);
    setFolder(m.value);
    if (k.ok) setKnown(k.value);
    // Hashing a 1.5 GB model takes seconds: the list of files shows at once, the verdicts when done.
    setChecks(null);
    const c = await call('asr.checkModels', {});
    if (!live.current) return;
    if (c.ok) setChecks(c.value);
    else setError(c.error);
  };

  useEffect(() => {
    live.current = true;
    void load();
    const off = onAppEvent((e) => {
      const d = downloadRef.current;
      if (e.type === 'model-progress' && d?.id === e.jobId) setDownload({ ...d, phase: e.phase, bytes: e.bytes, total: e.total });
    });
    return () => {
      live.current = false;
      off();
    };
  }, []);

  const num = new Intl.NumberFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { maximumFractionDigits: 1 });
  const mib = (bytes: number) => num.format(bytes / 2 ** 20);
  const speed = (x: number | null) => (x === null ? t('asr.settings.speedUnknown') : t('asr.settings.speedValue', { factor: num.format(x) }));
  const status = (c: ModelFileCheck | undefined): string => {
    if (!c) return t('asr.settings.checking');
    if (c.problem) return errorText({ code: c.problem, message: '' });
    return [c.size ? t('asr.settings.sizeClass', { size: c.size }) : null, c.multilingual === false ? t('asr.settings.englishOnly') : null].filter(Boolean).join(', ');
  };
  const verified = (c: ModelFileCheck | undefined): string => {
    if (!c || c.problem) return '';
    if (c.known) return t('asr.settings.verified', { name: c.known });
    return c.verified ? t('asr.settings.verifiedOwn') : t('asr.settings.unverified');
  };

  async function start(model: string, name: string) {
    setError(null);
    setNotice(null);
    const id = `mdl-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    setDownload({ id, model, name, phase: 'download', bytes: 0, total: null });
    const r = await call('asr.installModel', { jobId: id, id: model });
    if (!live.current) return;
    setDownload(null);
    if (r.ok) setNotice(t('asr.settings.installedOk', { name }));
    else setError(r.error);
    await load();
  }

  async function remove(name: string) {
    setError(null);
    setRemoving(null);
    const r = await call('asr.removeModel', { name });
    if (!live.current) return;
    if (r.ok) setNotice(t('asr.settings.removed', { name }));
    else setError(r.error);
    await load();
  }

  const phaseText = (d: Download): string => {
    if (d.phase === 'verify') return t('asr.settings.phase.verify', { name: d.name });
    if (d.phase === 'unpack') return t('asr.settings.phase.unpack', { name: d.name, percent: d.total ? Math.floor((d.bytes / d.total) * 100) : 0 });
    return d.total ? t('asr.settings.phase.download', { name: d.name, done: mib(d.bytes), total: mib(d.total) }) : t('asr.settings.phase.downloadUnknown', { name: d.name, done: mib(d.bytes) });
  };

  return (
    <section className="card" aria-labelledby="asr-settings-h">
      <h2 id="asr-settings-h">{t('asr.settings.title')}</h2>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {folder && (
        <>
          <p className="hint">{t('asr.settings.folder', { dir: folder.folder })}</p>
          <h3>{t('asr.settings.installed')}</h3>
          {folder.files.length === 0 ? (
            <p>{t('asr.settings.none')}</p>
          ) : (
            <table className="tx-keys" aria-busy={checks === null}>
              <thead>
                <tr>
                  <th scope="col">{t('asr.settings.file')}</th>
                  <th scope="col">{t('asr.settings.bytes')}</th>
                  <th scope="col">{t('asr.settings.status')}</th>
                  <th scope="col">{t('asr.settings.speedCol')}</th>
                  <td />
                </tr>
              </thead>
              <tbody>
                {folder.files.map((f) => {
                  const c = checks?.find((x) => x.name === f.name);
                  return (
                    <tr key={f.name}>
                      <th scope="row">{f.name}</th>
                      <td>{mib(f.bytes)} MiB</td>
                      <td className={c?.problem ? 'field-error' : undefined}>
                        {status(c)}
                        {c && !c.problem && (
                          <>
                            <br />
                            <span className="hint">{verified(c)}</span>
                          </>
                        )}
                      </td>
                      <td>{c && !c.problem ? speed(c.expectedRealtime) : ''}</td>
                      <td>
                        <button type="button" className="secondary" disabled={download !== null || removing !== null} onClick={() => setRemoving(f.name)} aria-label={`${t('asr.settings.remove')} ${f.name}`}>
                          {t('asr.settings.remove')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {removing && (
            <div className="banner banner-info" role="group" aria-label={t('asr.settings.removeConfirm', { name: removing })}>
              <p>{t('asr.settings.removeConfirm', { name: removing })}</p>
              <button type="button" className="danger" onClick={() => void remove(removing)}>
                {t('asr.settings.removeYes')}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setRemoving(null)}>
                {t('asr.settings.removeNo')}
              </button>
            </div>
          )}
        </>
      )}
      {known && (
        <>
          <h3>{t('asr.settings.available')}</h3>
          <p className="hint">{t('asr.settings.availableIntro')}</p>
          {download && (
            <div className="import-progress" role="status">
              <progress max={download.total ?? 1} value={download.total ? download.bytes : undefined} aria-label={phaseText(download)} />
              <span>{phaseText(download)}</span>
              <button type="button" className="secondary" onClick={() => void call('asr.cancelInstall', { jobId: download.id })}>
                {t('asr.settings.cancelDownload')}
              </button>
            </div>
          )}
          <table className="tx-keys">
            <thead>
              <tr>
                <th scope="col">{t('asr.settings.name')}</th>
                <th scope="col">{t('asr.settings.downloadSize')}</th>
                <th scope="col">{t('asr.settings.speedCol')}</th>
                <th scope="col">SHA-256</th>
                <td />
              </tr>
            </thead>
            <tbody>
              {known.models.map((m) => (
                <tr key={m.id}>
                  <th scope="row">
                    {m.name}
                    <br />
                    <span className="hint">{t('asr.settings.languagesValue', { languages: m.languages.map((l) => t(`asr.language.${l}`)).join(', ') })}</span>
                  </th>
                  <td>{m.archiveBytes === null ? '–' : `${mib(m.archiveBytes)} MiB`}</td>
                  <td>{speed(m.expectedRealtime)}</td>
                  <td>{m.hashKnown ? t('asr.settings.hashListed') : t('asr.settings.hashMissing')}</td>
                  <td>
                    {m.installed ? (
                      t('asr.settings.isInstalled')
                    ) : (
                      <button type="button" disabled={download !== null} onClick={() => void start(m.id, m.name)} aria-label={t('asr.settings.downloadButton', { name: m.name })}>
                        {t('asr.settings.download')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{t('asr.settings.speedNote', { cores: known.cores })}</p>
        </>
      )}
    </section>
  );
}
