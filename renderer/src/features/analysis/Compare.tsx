import { useEffect, useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, TextField } from '../../components/ui';
import { ATTRIBUTE_KINDS, type Attribute, type AttributeKind, type ComparisonTable } from '../../../../shared/attributes';
import type { ErrorInfo } from '../../../../shared/errors';
import type { Place } from './Retrieval';

/**
 * Codes × an attribute's values: passages and participants in each cell, a cell opening
 * its passages; the small-group warning above the table; and a form to define attributes.
 */
export function Compare({ ended, onOpen }: { ended: boolean; onOpen(place: Place): void }) {
  const { t, locale } = useI18n();
  const id = useId();
  const [attributes, setAttributes] = useState<Attribute[]>([]);
  const [chosen, setChosen] = useState('');
  const [table, setTable] = useState<ComparisonTable | null>(null);
  const [open, setOpen] = useState<{ code: string; column: string; ids: string[] } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const load = async () => {
    const r = await call('attributes.list', {});
    if (!r.ok) return setError(r.error);
    setAttributes(r.value.attributes);
    if (!chosen && r.value.attributes[0]) setChosen(r.value.attributes[0].id);
  };
  useEffect(() => {
    void load();
  }, []);
  useEffect(() => {
    if (!chosen) return;
    void call('attributes.compare', { attribute: chosen }).then((r) => (r.ok ? (setTable(r.value), setError(null)) : setError(r.error)));
  }, [chosen, attributes]);
  const current = attributes.find((a) => a.id === chosen);
  const head = (c: string, i: number) => t('attributes.column', { value: c || t('attributes.noValue'), n: table!.columnParticipants[i]! });
  return (
    <section className="card compare" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('analysis.tab.compare')}</h2>
      <ErrorBanner error={error} />
      {attributes.length === 0 ? (
        <p className="muted">{t('attributes.none')}</p>
      ) : (
        <div className="field inline">
          <label htmlFor={`${id}-a`}>{t('attributes.compareBy')}</label>
          <select id={`${id}-a`} value={chosen} onChange={(e) => { setChosen(e.target.value); setOpen(null); setEditing(false); }}>
            {attributes.map((a) => (
              <option key={a.id} value={a.id}>
                {a.labels[locale]}
              </option>
            ))}
          </select>
          {!ended && current && !editing && (
            <button type="button" className="secondary" onClick={() => { setEditing(true); setNotice(null); }}>
              {t('attributes.edit', { attribute: current.labels[locale] })}
            </button>
          )}
        </div>
      )}
      {notice && <p className="muted" role="status">{notice}</p>}
      {!ended && current && editing && (
        <EditForm
          key={current.id}
          attribute={current}
          onCancel={() => setEditing(false)}
          onError={setError}
          onSaved={() => {
            setEditing(false);
            setError(null);
            setNotice(t('attributes.edited'));
            void load();
          }}
        />
      )}
      {table && table.smallColumns.length > 0 && (
        <p className="banner banner-warn" role="status">
          {t('attributes.smallGroups', { n: table.smallColumns.length, groups: table.smallColumns.map((c) => `${c} (${table.columnParticipants[table.columns.indexOf(c)]})`).join('; ') })}
        </p>
      )}
      {table && (
        <div className="table-scroll">
          <table className="compare-table">
            <caption className="muted">{t('attributes.report.intro')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('analysis.report.code')}</th>
                {table.columns.map((c, i) => (
                  <th scope="col" key={c || '-'}>
                    {head(c, i)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r) => (
                <tr key={r.codeId}>
                  <th scope="row">{r.path.join(' / ')}</th>
                  {r.cells.map((cell, i) => (
                    <td key={i}>
                      {cell.passages === 0 ? (
                        '0'
                      ) : (
                        <button type="button" className="link" aria-label={`${r.path.join(' / ')}, ${head(table.columns[i]!, i)}: ${t('attributes.cell', { passages: cell.passages, participants: cell.participants })}`} onClick={() => setOpen({ code: r.codeId, column: table.columns[i]!, ids: cell.segmentIds })}>
                          {cell.passages} ({cell.participants})
                        </button>
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <Passages codeId={open.code} ids={open.ids} onOpen={onOpen} />}
      {!ended && <DefineForm onDefined={load} onError={setError} />}
    </section>
  );
}

function Passages({ codeId, ids, onOpen }: { codeId: string; ids: string[]; onOpen(place: Place): void }) {
  const { t } = useI18n();
  const [items, setItems] = useState<{ id: string; participant: string; text: string; transcriptId: string; start: number; end: number }[]>([]);
  useEffect(() => {
    void call('coding.retrieve', { of: 'code', id: codeId, descendants: false }).then((r) => {
      if (r.ok) setItems(r.value.filter((s) => ids.includes(s.id)));
    });
  }, [codeId, ids]);
  return (
    <ul className="segments">
      {items.map((s) => (
        <li key={s.id}>
          <strong>{s.participant}</strong> «{s.text}»{' '}
          <button type="button" className="link" onClick={() => onOpen({ transcriptId: s.transcriptId, start: s.start, end: s.end })}>
            {t('attributes.open')}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Change an attribute's labels, a list's values and whether it is identifying (as `hvelv attribute update`). */
function EditForm({ attribute, onSaved, onCancel, onError }: { attribute: Attribute; onSaved(): void; onCancel(): void; onError(e: ErrorInfo): void }) {
  const { t } = useI18n();
  const id = useId();
  const [nb, setNb] = useState(attribute.labels.nb);
  const [en, setEn] = useState(attribute.labels.en);
  const [values, setValues] = useState(attribute.values.join(', '));
  const [identifying, setIdentifying] = useState(attribute.identifying);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await call('attributes.update', {
      attribute: attribute.id,
      labels: { nb: nb.trim() || attribute.name, en: en.trim() || attribute.name },
      ...(attribute.kind === 'list' ? { values: values.split(',') } : {}),
      ...(identifying !== attribute.identifying ? { identifying } : {}),
    });
    if (!r.ok) return onError(r.error);
    onSaved();
  };
  return (
    <form className="define-attribute" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('attributes.editTitle', { attribute: attribute.name })}</h3>
      <div className="toolbar wrap">
        <TextField label={t('attributes.labelNb')} required maxLength={60} value={nb} onChange={(e) => setNb(e.target.value)} />
        <TextField label={t('attributes.labelEn')} required maxLength={60} value={en} onChange={(e) => setEn(e.target.value)} />
        {attribute.kind === 'list' && (
          <TextField label={t('attributes.values')} hint={t('attributes.valuesHint')} required value={values} onChange={(e) => setValues(e.target.value)} />
        )}
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={identifying} onChange={(e) => setIdentifying(e.target.checked)} />
        {t('attributes.identifying')}
      </label>
      {identifying !== attribute.identifying && <p className="hint">{identifying ? t('attributes.toIdentifying') : t('attributes.fromIdentifying')}</p>}
      <div className="actions start">
        <button type="submit">{t('attributes.save')}</button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('attributes.cancel')}
        </button>
      </div>
    </form>
  );
}

function DefineForm({ onDefined, onError }: { onDefined(): void; onError(e: ErrorInfo): void }) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<AttributeKind>('text');
  const [values, setValues] = useState('');
  const [nb, setNb] = useState('');
  const [en, setEn] = useState('');
  const [identifying, setIdentifying] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await call('attributes.define', { name, kind, values: kind === 'list' ? values.split(',') : [], labels: { nb: nb || name, en: en || name }, identifying });
    if (!r.ok) return onError(r.error);
    setName('');
    setValues('');
    setNb('');
    setEn('');
    setIdentifying(false);
    onDefined();
  };
  return (
    <form className="define-attribute" onSubmit={(e) => void submit(e)}>
      <h3>{t('attributes.define')}</h3>
      <div className="toolbar wrap">
        <TextField label={t('attributes.name')} required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor={`${id}-k`}>{t('attributes.kind')}</label>
          <select id={`${id}-k`} value={kind} onChange={(e) => setKind(e.target.value as AttributeKind)}>
            {ATTRIBUTE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`attributes.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        {kind === 'list' && (
          <TextField label={t('attributes.values')} required value={values} onChange={(e) => setValues(e.target.value)} />
        )}
        <TextField label={t('attributes.labelNb')} maxLength={60} value={nb} onChange={(e) => setNb(e.target.value)} />
        <TextField label={t('attributes.labelEn')} maxLength={60} value={en} onChange={(e) => setEn(e.target.value)} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={identifying} onChange={(e) => setIdentifying(e.target.checked)} />
        {t('attributes.identifying')}
      </label>
      <div className="actions start">
        <button type="submit">{t('attributes.save')}</button>
      </div>
    </form>
  );
}
