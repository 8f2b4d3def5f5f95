/**
 * "Til Sikt og datahåndteringsplanen" (issue 33): the data-handling text for Sikt's
 * notification form and the data management plan, written in main from what the vault
 * really does (electron/core/services/notification/), with the date it was produced and
 * what changed since the student last copied or saved it. Copying and saving keep a new
 * snapshot in the vault, so the next visit shows what Sikt has not been told.
 */
import { useEffect, useId, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { ErrorInfo } from '../../../../shared/errors';
import type { Locale } from '../../../../shared/i18n/catalogue';
import type { NotificationView } from '../../../../shared/notification';

/** The clipboard: the async API first; where the app's permissions refuse it, the selection's copy command. */
async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

export function NotificationScreen() {
  const { t, date, locale: uiLocale } = useI18n();
  const [lang, setLang] = useState<Locale>(uiLocale);
  const [view, setView] = useState<NotificationView | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const changesId = useId();
  const textId = useId();

  useEffect(() => {
    let current = true;
    void call('notification.get', { locale: lang }).then((r) => {
      if (!current) return;
      if (r.ok) setView(r.value);
      else setError(r.error);
    });
    return () => {
      current = false;
    };
  }, [lang]);

  async function copy() {
    if (!view) return;
    setNotice(null);
    setError(null);
    if (!(await writeClipboard(view.markdown))) return setNotice(t('notif.page.copyFailed'));
    const r = await call('notification.copied', { locale: lang });
    if (!r.ok) return setError(r.error);
    setView(r.value);
    setNotice(t('notif.page.copied'));
  }

  async function save(format: 'docx' | 'md') {
    setNotice(null);
    setError(null);
    const r = await call('notification.save', { locale: lang, format });
    if (!r.ok) return setError(r.error);
    if (!r.value) return;
    setNotice(t('notif.page.saved', { path: r.value }));
    const again = await call('notification.get', { locale: lang });
    if (again.ok) setView(again.value);
  }

  const needsNotice = view?.changes.some((c) => c.notice) ?? false;
  return (
    <main className="page notification">
      <h1>{t('notif.title')}</h1>
      <p className="lead">{t('notif.page.intro')}</p>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="notif-lang">{t('notif.page.language')}</label>
          <select id="notif-lang" value={lang} onChange={(e) => setLang(e.target.value as Locale)}>
            <option value="nb">{t('settings.language.nb')}</option>
            <option value="en">{t('settings.language.en')}</option>
          </select>
        </div>
      </div>
      <ErrorBanner error={error} />
      {view && (
        <>
          <p className="muted">
            {t('notif.page.produced', { date: date(view.producedOn) })} {view.lastCopiedOn ? t('notif.page.lastCopied', { date: date(view.lastCopiedOn) }) : t('notif.page.neverCopied')}
          </p>
          {view.lastCopiedOn && (
            <section className={`banner ${needsNotice ? 'banner-warning' : 'banner-info'} notif-changes`} aria-labelledby={changesId}>
              <h2 id={changesId}>{t('notif.page.changesTitle')}</h2>
              {view.changes.length === 0 ? (
                <p>{t('notif.page.noChanges')}</p>
              ) : (
                <ul>
                  {view.changes.map((c, i) => (
                    <li key={i}>
                      {c.text}
                      {c.notice && (
                        <>
                          {' '}
                          <strong className="notif-badge">{t('notif.page.noticeBadge')}</strong>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {needsNotice && (
                <p>
                  <strong>{t('notif.page.noticeHint')}</strong>
                </p>
              )}
            </section>
          )}
          <div className="actions start wrap">
            <button type="button" onClick={() => void copy()}>
              {t('notif.page.copy')}
            </button>
            <button type="button" className="secondary" onClick={() => void save('docx')}>
              {t('notif.page.saveDocx')}
            </button>
            <button type="button" className="secondary" onClick={() => void save('md')}>
              {t('notif.page.saveMd')}
            </button>
          </div>
          {notice && <Notice>{notice}</Notice>}
          <section className="card notif-text" aria-labelledby={textId} lang={view.text.locale}>
            <h2 id={textId}>{view.text.title}</h2>
            <p className="muted">{view.text.produced}</p>
            {view.text.sections.map((s) => (
              <div key={s.id}>
                <h3>{s.heading}</h3>
                {s.paragraphs.map((p, i) => (
                  <p key={i}>{p}</p>
                ))}
              </div>
            ))}
          </section>
        </>
      )}
    </main>
  );
}
