import { useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice, TextField } from '../../components/ui';
import { THEME_STATUSES, type Code, type Theme, type ThemeStatus } from '../../../../shared/analysis';
import type { ErrorInfo } from '../../../../shared/errors';
import { Swatch } from './QuickCode';
import { MemoBox } from './Memos';
import { SupervisorFeedbackFor } from '../supervisor';
import { descendants, excerpt, treeOrder } from '../../components/codes';

interface Props {
  themes: Theme[];
  codes: Code[];
  ended: boolean;
  onChanged(): Promise<void>;
  onRetrieve(themeId: string): void;
}

/** Themes and sub-themes: codes grouped from anywhere in the codebook, with a status that follows phases 3 to 5. */
export function Themes({ themes, codes, ended, onChanged, onRetrieve }: Props) {
  const { t } = useI18n();
  const [openId, setOpenId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const open = themes.find((x) => x.id === openId) ?? null;
  const byId = new Map(codes.map((c) => [c.id, c]));
  return (
    <div className="codebook">
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      <div className="codebook-split">
        <section className="card" aria-labelledby="th-h">
          <h2 id="th-h">{t('analysis.themes.title')}</h2>
          {themes.length === 0 && <p className="muted">{t('analysis.themes.empty')}</p>}
          <ul className="theme-list">
            {treeOrder(themes).map(({ item: th, depth }) => (
              <li key={th.id} className={`theme-row ${th.id === openId ? 'selected' : ''}`} style={{ marginLeft: `${depth * 1.5}rem` }}>
                <div className="theme-head">
                  <button type="button" className="link theme-name" aria-pressed={th.id === openId} onClick={() => setOpenId(th.id === openId ? null : th.id)}>
                    {th.name}
                  </button>
                  <span className={`pill status-${th.status}`}>{t(`analysis.status.${th.status}`)}</span>
                  <span className="muted">{t('analysis.themes.counts', { segments: th.segmentCount, interviews: th.transcriptCount })}</span>
                </div>
                {th.definition && <p className="definition">{excerpt(th.definition, 140)}</p>}
                <ul className="chips" aria-label={t('analysis.themes.codesOf', { name: th.name })}>
                  {th.codeIds.map((id) => (
                    <li key={id} className="chip">
                      {byId.get(id) && <Swatch color={byId.get(id)!.color} />}
                      {byId.get(id)?.name ?? '?'}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {!ended && <NewTheme themes={themes} onError={setError} onCreated={onChanged} />}
        </section>
        {open && (
          <ThemeDetail
            key={open.id}
            theme={open}
            themes={themes}
            codes={codes}
            ended={ended}
            onRetrieve={() => onRetrieve(open.id)}
            onError={setError}
            onDone={async (message, gone) => {
              setError(null);
              if (gone) setOpenId(null);
              await onChanged();
              setNotice(message);
            }}
          />
        )}
      </div>
    </div>
  );
}

function ThemeParent({ themes, value, onChange, exclude, label }: { themes: Theme[]; value: string; onChange(v: string): void; exclude?: Set<string>; label: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('analysis.theme.noParent')}</option>
        {treeOrder(themes)
          .filter(({ item }) => !exclude?.has(item.id))
          .map(({ item, depth }) => (
            <option key={item.id} value={item.id}>
              {'  '.repeat(depth) + item.name}
            </option>
          ))}
      </select>
    </div>
  );
}

function NewTheme({ themes, onCreated, onError }: { themes: Theme[]; onCreated(): Promise<void>; onError(e: ErrorInfo | null): void }) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await call('themes.add', { name, parentId: parentId || null, definition: '' });
    if (!r.ok) return onError(r.error);
    onError(null);
    setName('');
    setParentId('');
    await onCreated();
  }
  return (
    <form className="new-code" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('analysis.themes.new')}</h3>
      <div className="two">
        <TextField label={t('analysis.theme.name')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        <ThemeParent label={t('analysis.theme.parent')} themes={themes} value={parentId} onChange={setParentId} />
      </div>
      <button type="submit" disabled={!name.trim()}>
        {t('analysis.themes.add')}
      </button>
    </form>
  );
}

function ThemeDetail(props: { theme: Theme; themes: Theme[]; codes: Code[]; ended: boolean; onRetrieve(): void; onError(e: ErrorInfo): void; onDone(message: string, gone: boolean): Promise<void> }) {
  const { theme, codes, ended, onError, onDone } = props;
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState(theme.name);
  const [definition, setDefinition] = useState(theme.definition);
  const [status, setStatus] = useState<ThemeStatus>(theme.status);
  const [parentId, setParentId] = useState(theme.parentId ?? '');
  const [filter, setFilter] = useState('');

  async function save() {
    const r = await call('themes.update', { id: theme.id, name, definition, status });
    if (!r.ok) return onError(r.error);
    if ((theme.parentId ?? '') !== parentId) {
      const m = await call('themes.move', { id: theme.id, parentId: parentId || null });
      if (!m.ok) return onError(m.error);
    }
    await onDone(t('analysis.theme.saved', { name }), false);
  }
  async function assign(codeId: string, assigned: boolean) {
    const r = await call('themes.assign', { themeId: theme.id, codeId, assigned });
    if (!r.ok) return onError(r.error);
    await onDone('', false);
  }
  async function remove() {
    const r = await call('themes.delete', { id: theme.id });
    if (!r.ok) return onError(r.error);
    await onDone(t('analysis.theme.deleted', { name: theme.name }), true);
  }
  const f = filter.trim().toLocaleLowerCase('nb');
  return (
    <section className="card code-detail" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{theme.name}</h2>
      <button type="button" className="secondary" onClick={props.onRetrieve}>
        {t('analysis.theme.retrieve')}
      </button>
      {!ended && (
        <>
          <TextField label={t('analysis.theme.name')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          <div className="field">
            <label htmlFor={`${id}-d`}>{t('analysis.theme.definition')}</label>
            <textarea id={`${id}-d`} rows={3} value={definition} onChange={(e) => setDefinition(e.target.value)} />
          </div>
          <fieldset className="field">
            <legend>{t('analysis.theme.status')}</legend>
            <div className="status-steps">
              {THEME_STATUSES.map((s) => (
                <label key={s} className="radio">
                  <input type="radio" name={`${id}-s`} checked={status === s} onChange={() => setStatus(s)} />
                  {t(`analysis.status.${s}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <ThemeParent label={t('analysis.theme.parent')} themes={props.themes} value={parentId} onChange={setParentId} exclude={descendants(props.themes, theme.id)} />
          <button type="button" onClick={() => void save()} disabled={!name.trim()}>
            {t('common.save')}
          </button>
        </>
      )}
      <fieldset className="field theme-codes">
        <legend>{t('analysis.theme.codes')}</legend>
        <TextField label={t('analysis.theme.filterCodes')} value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
        {treeOrder(codes)
          .filter(({ item }) => !f || item.name.toLocaleLowerCase('nb').includes(f))
          .map(({ item: c, depth }) => (
            <label key={c.id} className="checkbox" style={{ marginLeft: `${depth * 1.2}rem` }}>
              <input type="checkbox" checked={theme.codeIds.includes(c.id)} disabled={ended} onChange={(e) => void assign(c.id, e.target.checked)} />
              <Swatch color={c.color} /> {c.name} <span className="muted">({c.segmentCount})</span>
            </label>
          ))}
      </fieldset>
      <h3>{t('analysis.theme.memos')}</h3>
      <MemoBox target={{ kind: 'theme', id: theme.id }} ended={ended} />
      <SupervisorFeedbackFor kind="theme" id={theme.id} />
      {!ended && (
        <button type="button" className="link danger-link" onClick={() => void remove()}>
          {t('analysis.theme.delete', { name: theme.name })}
        </button>
      )}
    </section>
  );
}

