/**
 * Settings → Speech models: the files in the models folder, each with its size, which
 * model it is and whether that is verified (its hash is one Hvelv lists), or why it
 * cannot be used. Every file is read and hashed in main, never run, so a damaged or
 * hostile file is named here before a draft is ever started with it.
 */
import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { AsrModels, ModelFileCheck } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';

export function ModelSettings() {
  const { t, locale, error: errorText } = useI18n();
  const [folder, setFolder] = useState<AsrModels | null>(null);
  const [checks, setChecks] = useState<ModelFileCheck[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      const m = await call('asr.models', {});
      if (!live) return;
      if (!m.ok) return setError(m.error);
      setFolder(m.value);
      // Hashing a 1.5 GB model takes seconds: the list of files shows at once, the verdicts when done.
      const c = await call('asr.checkModels', {});
      if (!live) return;
      if (c.ok) setChecks(c.value);
      else setError(c.error);
    })();
    return () => {
      live = false;
    };
  }, []);

  const mib = new Intl.NumberFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { maximumFractionDigits: 1 });
  const status = (c: ModelFileCheck | undefined): string => {
    if (!c) return t('asr.settings.checking');
    if (c.problem) return errorText({ code: c.problem, message: '' });
    const what = [c.size ? t('asr.settings.sizeClass', { size: c.size }) : null, c.multilingual === false ? t('asr.settings.englishOnly') : null].filter(Boolean).join(', ');
    return `${what}. ${c.known ? t('asr.settings.verified', { name: c.known }) : t('asr.settings.unverified')}`;
  };

  return (
    <section className="card" aria-labelledby="asr-settings-h">
      <h2 id="asr-settings-h">{t('asr.settings.title')}</h2>
      <ErrorBanner error={error} />
      {folder && (
        <>
          <p className="hint">{t('asr.settings.folder', { dir: folder.folder })}</p>
          {folder.files.length === 0 ? (
            <p>{t('asr.settings.none')}</p>
          ) : (
            <table className="tx-keys" aria-busy={checks === null}>
              <thead>
                <tr>
                  <th scope="col">{t('asr.settings.file')}</th>
                  <th scope="col">{t('asr.settings.bytes')}</th>
                  <th scope="col">{t('asr.settings.status')}</th>
                </tr>
              </thead>
              <tbody>
                {folder.files.map((f) => {
                  const c = checks?.find((x) => x.name === f.name);
                  return (
                    <tr key={f.name}>
                      <th scope="row">{f.name}</th>
                      <td>{mib.format(f.bytes / 2 ** 20)} MiB</td>
                      <td className={c?.problem ? 'field-error' : undefined}>{status(c)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <p className="hint">{t('asr.settings.speed')}</p>
        </>
      )}
    </section>
  );
}
