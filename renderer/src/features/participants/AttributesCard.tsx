import { useEffect, useId, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card } from '../../components/ui';
import type { Attribute, AttributeValue, Suggestion } from '../../../../shared/attributes';
import type { ErrorInfo } from '../../../../shared/errors';

/**
 * A participant's attributes (role, age band, county): each value is suggested as its band
 * or county before it is saved, and kept exact only when the student says so.
 */
export function AttributesCard({ code, onError }: { code: string; onError(e: ErrorInfo): void }) {
  const { t, locale } = useI18n();
  const [attributes, setAttributes] = useState<Attribute[]>([]);
  const [values, setValues] = useState<AttributeValue[]>([]);
  const [groups, setGroups] = useState(0);
  const load = async () => {
    const [l, v] = await Promise.all([call('attributes.list', {}), call('attributes.values', { code })]);
    if (!l.ok) return onError(l.error);
    if (!v.ok) return onError(v.error);
    setAttributes(l.value.attributes);
    setGroups(l.value.smallGroups.length);
    setValues(v.value);
  };
  useEffect(() => {
    void load();
  }, [code]);
  return (
    <Card title={t('attributes.title')} className="attributes-card">
      <p className="hint">{t('attributes.participantHint')}</p>
      {attributes.length === 0 && <p className="muted">{t('attributes.none')}</p>}
      {attributes.map((a) => (
        <AttributeRow key={a.id} code={code} attribute={a} held={values.find((v) => v.attributeId === a.id) ?? null} label={a.labels[locale]} onChanged={load} onError={onError} />
      ))}
      {groups > 0 && <p className="hint warn">{t('attributes.smallGroupsShort', { n: groups })}</p>}
    </Card>
  );
}

function AttributeRow({ code, attribute, held, label, onChanged, onError }: { code: string; attribute: Attribute; held: AttributeValue | null; label: string; onChanged(): void; onError(e: ErrorInfo): void }) {
  const { t } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState(held?.value ?? '');
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  useEffect(() => setDraft(held?.value ?? ''), [held?.value]);
  const save = async (exact: boolean) => {
    const r = draft.trim() === '' ? await call('attributes.clear', { code, attribute: attribute.id }) : await call('attributes.set', { code, attribute: attribute.id, value: draft, exact });
    if (!r.ok) return onError(r.error);
    setSuggestion(null);
    onChanged();
  };
  const check = async () => {
    if (draft.trim() === '' || draft === held?.value) return save(false);
    const s = await call('attributes.suggest', { attribute: attribute.id, value: draft });
    if (!s.ok) return onError(s.error);
    if (s.value) setSuggestion(s.value);
    else await save(false);
  };
  return (
    <div className="field attribute-row">
      <label htmlFor={id}>
        {label} {attribute.identifying && <span className="pill">{t('attributes.identifyingShort')}</span>}
      </label>
      <div className="toolbar">
        {attribute.kind === 'list' ? (
          <select id={id} value={draft} onChange={(e) => setDraft(e.target.value)}>
            <option value="">–</option>
            {attribute.values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        ) : (
          <input id={id} value={draft} maxLength={200} onChange={(e) => { setDraft(e.target.value); setSuggestion(null); }} />
        )}
        <button type="button" className="secondary" onClick={() => void check()}>
          {t('attributes.save')}
        </button>
      </div>
      {held?.exact && <p className="hint">{t('attributes.exact')}</p>}
      {suggestion && (
        <div className="banner banner-info" role="status">
          <p>{t(`attributes.suggest.${suggestion.rule}`, { value: suggestion.value })}</p>
          <div className="actions start wrap">
            <button type="button" onClick={() => { setDraft(suggestion.value); void call('attributes.set', { code, attribute: attribute.id, value: suggestion.value, exact: false }).then((r) => (r.ok ? (setSuggestion(null), onChanged()) : onError(r.error))); }}>
              {t('attributes.useSuggestion', { value: suggestion.value })}
            </button>
            <button type="button" className="secondary" onClick={() => void save(true)}>
              {t('attributes.keepExact')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
