import { useEffect, useId, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import type { Attribute, WhereClause } from '../../../../shared/attributes';

/**
 * Filter a view by a participant attribute's value (the command's `--where name=value`):
 * an attribute, then one of its values in use. Warns when so few participants hold it
 * that what the view shows may point to them. Shows nothing while no attribute has a value.
 */
export function AttributeFilter({ where, onChange }: { where: WhereClause[]; onChange(where: WhereClause[]): void }) {
  const { t, locale } = useI18n();
  const id = useId();
  const [attributes, setAttributes] = useState<Attribute[]>([]);
  const [values, setValues] = useState<Record<string, string[]>>({});
  const [kept, setKept] = useState<{ participants: number; small: boolean } | null>(null);
  const chosen = where[0];

  useEffect(() => {
    void call('attributes.list', {}).then((r) => r.ok && setAttributes(r.value.attributes));
  }, []);
  useEffect(() => {
    void call('attributes.filter', { where }).then((r) => {
      if (!r.ok) return;
      setValues(r.value.values);
      setKept(where.length ? { participants: r.value.participants.length, small: r.value.small } : null);
    });
  }, [where]);

  const usable = attributes.filter((a) => (values[a.name] ?? []).length > 0);
  if (usable.length === 0) return null;
  const attr = usable.find((a) => a.name === chosen?.name);
  return (
    <div className="attribute-filter">
      <div className="field inline">
        <label htmlFor={`${id}-a`}>{t('attributes.filter')}</label>
        <select id={`${id}-a`} value={chosen?.name ?? ''} onChange={(e) => {
          const name = e.target.value;
          const first = values[name]?.[0];
          onChange(name && first !== undefined ? [{ name, value: first }] : []);
        }}>
          <option value="">{t('attributes.filterAll')}</option>
          {usable.map((a) => (
            <option key={a.id} value={a.name}>
              {a.labels[locale]}
            </option>
          ))}
        </select>
      </div>
      {attr && chosen && (
        <div className="field inline">
          <label htmlFor={`${id}-v`}>{t('attributes.filterValue', { attribute: attr.labels[locale] })}</label>
          <select id={`${id}-v`} value={chosen.value} onChange={(e) => onChange([{ name: attr.name, value: e.target.value }])}>
            {(values[attr.name] ?? []).map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
      )}
      {kept && (
        <p className={kept.small ? 'banner banner-warn' : 'muted'} role="status">
          {kept.small
            ? t('attributes.smallFilter', { n: kept.participants, where: where.map((w) => `${attr?.labels[locale] ?? w.name} = ${w.value}`).join(', ') })
            : t('attributes.filterKept', { n: kept.participants })}
        </p>
      )}
    </div>
  );
}
