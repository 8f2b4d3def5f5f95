import { useEffect, useId, useRef, useState } from 'react';
import { useUnsaved } from '../../components/unsaved';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { FormText, FormVersionDto } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { Locale } from '../../../../shared/i18n/catalogue';
import { unfilledFields } from '../../../../shared/letter';

export function FormsScreen() {
  const { t } = useI18n();
  const [forms, setForms] = useState<FormVersionDto[]>([]);
  const [version, setVersion] = useState<number | null>(null);
  const [locale, setLocale] = useState<Locale>('nb');
  const [draft, setDraft] = useState<FormText | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async (select?: number) => {
    const r = await call('forms.list', {});
    if (!r.ok) return setError(r.error);
    setForms(r.value);
    setVersion(select ?? r.value.at(-1)?.version ?? null);
  };
  useEffect(() => {
    void load();
  }, []);

  const form = forms.find((f) => f.version === version);
  const text = draft ?? form?.texts[locale];
  useUnsaved(draft !== null && form !== undefined && JSON.stringify(draft) !== JSON.stringify(form.texts[locale]));

  async function save() {
    if (!draft || !form) return;
    const r = await call('forms.update', { version: form.version, locale, text: draft });
    if (!r.ok) return setError(r.error);
    setDraft(null);
    setNotice(t('forms.saved'));
    await load(form.version);
  }

  async function newVersion() {
    const r = await call('forms.newVersion', {});
    if (!r.ok) return setError(r.error);
    setNotice(null);
    await load(r.value.version);
  }

  async function exportAs(format: 'html' | 'pdf') {
    if (!form) return;
    setNotice(null);
    setError(null);
    const r = await call('forms.export', { version: form.version, locale, format });
    if (!r.ok) return setError(r.error);
    if (r.value) setNotice(format === 'pdf' ? t('screens.pdf.saved', { path: r.value }) : t('forms.exported', { path: r.value }));
  }

  const fields = text ? unfilledFields(text) : [];
  const placeholders = fields.length > 0;
  // A field to go to once the editor (or the letter) is on screen: focused, scrolled to, selected.
  const [goTo, setGoTo] = useState<{ field: string; at: number } | null>(null);
  const sectionRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!goTo || !sectionRef.current) return;
    const box = sectionRef.current;
    const area = [...box.querySelectorAll('textarea')].find((a) => a.value.includes(goTo.field));
    if (area) {
      const i = area.value.indexOf(goTo.field);
      area.focus();
      area.setSelectionRange(i, i + goTo.field.length);
      area.scrollIntoView({ block: 'center' });
      return;
    }
    const where = [...box.querySelectorAll<HTMLElement>('[data-letter-part]')].find((e) => (e.textContent ?? '').includes(goTo.field));
    if (where) {
      where.focus();
      where.scrollIntoView({ block: 'center' });
    }
  }, [goTo, draft]);

  /** The heading of the part of the letter a field is in, to say where it is. */
  const partOf = (field: string): string => {
    if (!text) return '';
    const section = text.sections.find((x) => x.heading.includes(field) || x.body.includes(field));
    if (section) return section.heading;
    if (text.intro.includes(field) || text.title.includes(field)) return t('forms.intro.label');
    if (text.statements.some((x) => x.text.includes(field)) || text.consentIntro.includes(field) || text.consentHeading.includes(field)) return text.consentHeading;
    return text.title;
  };

  /** Go to a field: in the editor when the version can still be edited and the field is in a part it edits. */
  function showField(field: string) {
    setNotice(null);
    const editable = form && !form.frozen && text && (text.intro.includes(field) || text.sections.some((x) => x.body.includes(field)));
    if (editable && !draft) setDraft(form.texts[locale]);
    setGoTo({ field, at: Date.now() });
  }

  return (
    <main className="page">
      <h1>{t('forms.title')}</h1>
      <p className="muted">{t('forms.intro')}</p>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      <div className="toolbar">
        <div className="tabs" role="tablist" aria-label={t('forms.title')}>
          {forms.map((f) => (
            <button
              key={f.version}
              type="button"
              role="tab"
              aria-selected={f.version === version}
              className={`tab ${f.version === version ? 'active' : ''}`}
              onClick={() => {
                setNotice(null);
                setDraft(null);
                setVersion(f.version);
              }}
            >
              {t('forms.version', { version: f.version })}
            </button>
          ))}
        </div>
        <div className="field inline">
          <label htmlFor="forms-lang">{t('forms.language')}</label>
          <select
            id="forms-lang"
            value={locale}
            onChange={(e) => {
              setNotice(null);
              setDraft(null);
              setLocale(e.target.value as Locale);
            }}
          >
            <option value="nb">{t('settings.language.nb')}</option>
            <option value="en">{t('settings.language.en')}</option>
          </select>
        </div>
      </div>
      {form && text && (
        <section ref={sectionRef} className="card letter" aria-label={t('forms.version', { version: form.version })}>
          <p className="muted">
            {form.frozen ? t('forms.frozen') : t('forms.editable')} · {t('forms.fingerprint', { hash: form.hashes[locale].slice(0, 12) })}
          </p>
          {placeholders && (
            <div className="banner banner-warning">
              <p>{form.frozen ? t('screens.forms.unfinishedFrozen') : t('forms.placeholderWarning')}</p>
              <p>{t('forms.unfilledList', { count: fields.length })}</p>
              <ul className="unfilled-fields">
                {fields.map((f) => (
                  <li key={f}>
                    <button type="button" className="link" onClick={() => showField(f)}>
                      {t('forms.gotoField', { field: f.length > 60 ? `${f.slice(0, 57)}…]` : f, part: partOf(f) })}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {draft ? (
            <Editor text={draft} onChange={setDraft} />
          ) : (
            <>
              <h2 className="letter-title" data-letter-part tabIndex={-1}>
                {text.title}
              </h2>
              <p data-letter-part tabIndex={-1}>
                {text.intro}
              </p>
              {text.sections.map((s) => (
                <div key={s.id} data-letter-part tabIndex={-1}>
                  <h3>{s.heading}</h3>
                  {s.body.split('\n').map((line, i) => (
                    <p key={i}>{line}</p>
                  ))}
                </div>
              ))}
              <h3>{text.consentHeading}</h3>
              <p>{text.consentIntro}</p>
              <ul className="statements" data-letter-part tabIndex={-1}>
                {text.statements.map((s) => (
                  <li key={s.id}>☐ {s.text}</li>
                ))}
              </ul>
            </>
          )}
          <div className="actions start wrap">
            {!form.frozen && !draft && (
              <button
                type="button"
                onClick={() => {
                  // "Saved." belonged to the last save: editing again is the next action.
                  setNotice(null);
                  setDraft(form.texts[locale]);
                }}
              >
                {t('forms.edit')}
              </button>
            )}
            {draft && (
              <>
                <button type="button" onClick={() => void save()}>
                  {t('forms.save')}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setNotice(null);
                    setDraft(null);
                  }}
                >
                  {t('common.cancel')}
                </button>
              </>
            )}
            {!draft && (
              <>
                <button type="button" className="secondary" onClick={() => void exportAs('pdf')}>
                  {t('screens.pdf.letter')}
                </button>
                <button type="button" className="secondary" onClick={() => void exportAs('html')}>
                  {t('forms.export')}
                </button>
                <button type="button" className="secondary" onClick={() => void newVersion()}>
                  {t('forms.newVersion')}
                </button>
              </>
            )}
          </div>
        </section>
      )}
    </main>
  );
}

function Editor({ text, onChange }: { text: FormText; onChange(t: FormText): void }) {
  const { t } = useI18n();
  const introId = useId();
  return (
    <div className="editor">
      <div className="field">
        <label htmlFor={introId}>{t('forms.intro.label')}</label>
        <textarea id={introId} rows={3} value={text.intro} onChange={(e) => onChange({ ...text, intro: e.target.value })} />
      </div>
      {text.sections.map((s, i) => (
        <div className="field" key={s.id}>
          <label htmlFor={`${introId}-${s.id}`}>{s.heading}</label>
          <textarea
            id={`${introId}-${s.id}`}
            rows={Math.min(10, Math.max(3, Math.ceil(s.body.length / 80)))}
            value={s.body}
            onChange={(e) => onChange({ ...text, sections: text.sections.map((x, j) => (j === i ? { ...x, body: e.target.value } : x)) })}
          />
        </div>
      ))}
    </div>
  );
}
