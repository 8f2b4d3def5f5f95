import { useEffect, useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice, TextField } from '../../components/ui';
import type { Code, CodeDeletion, Segment } from '../../../../shared/analysis';
import type { ErrorInfo } from '../../../../shared/errors';
import { Swatch } from './QuickCode';
import { MemoBox } from './Memos';
import { SupervisorFeedbackFor } from '../supervisor';
import { codeLabel, descendants, excerpt, nextColour, treeOrder } from '../../components/codes';

interface Props {
  codes: Code[];
  ended: boolean;
  orphans: number;
  onChanged(): Promise<void>;
  onRetrieve(codeId: string): void;
  onOpenTranscript(id: string): void;
}

/** The codebook: codes in their hierarchy with definition, colour and counts, and what can be done to each. */
export function Codebook({ codes, ended, orphans, onChanged, onRetrieve, onOpenTranscript }: Props) {
  const { t } = useI18n();
  const [openId, setOpenId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const open = codes.find((c) => c.id === openId) ?? null;
  const rows = treeOrder(codes);
  return (
    <div className="codebook">
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {orphans > 0 && <Orphans codes={codes} onChanged={onChanged} onOpenTranscript={onOpenTranscript} />}
      <div className="codebook-split">
        <section className="card" aria-labelledby="cb-h">
          <h2 id="cb-h">{t('analysis.codebook.title')}</h2>
          {codes.length === 0 && <p className="muted">{t('analysis.codebook.empty')}</p>}
          {codes.length > 0 && (
            <table className="table codes-table">
              <thead>
                <tr>
                  <th scope="col">{t('analysis.codebook.code')}</th>
                  <th scope="col" className="n">
                    {t('analysis.codebook.segments')}
                  </th>
                  <th scope="col" className="n">
                    {t('analysis.codebook.interviews')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ item: c, depth }) => (
                  <tr key={c.id} className={c.id === openId ? 'selected' : ''}>
                    <td>
                      <span className="indent" style={{ paddingLeft: `${depth * 1.2}rem` }}>
                        <Swatch color={c.color} />
                        <button type="button" className="link" aria-pressed={c.id === openId} onClick={() => setOpenId(c.id === openId ? null : c.id)}>
                          {c.name}
                        </button>
                        {/* A grouping code holds codes, not text (REFI-QDA's isCodable="false"). */}
                        {!c.codable && ' '}
                        {!c.codable && (
                          <span className="pill" title={t('analysis.code.groupingHint')}>
                            {t('analysis.code.grouping')}
                          </span>
                        )}
                      </span>
                      {c.definition && <span className="definition">{excerpt(c.definition, 90)}</span>}
                    </td>
                    <td className="n">
                      {c.segmentCountWithSubcodes !== undefined && c.segmentCountWithSubcodes !== c.segmentCount
                        ? t('analysis.code.countBoth', { here: c.segmentCount, all: c.segmentCountWithSubcodes })
                        : c.segmentCount}
                    </td>
                    <td className="n">{c.transcriptCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!ended && <NewCode codes={codes} onError={setError} onCreated={async () => onChanged()} />}
        </section>
        {open && (
          <CodeDetail
            key={open.id}
            code={open}
            codes={codes}
            ended={ended}
            onRetrieve={() => onRetrieve(open.id)}
            onError={setError}
            onDone={async (message, gone) => {
              setError(null);
              if (gone) setOpenId(null);
              // The list first, then the message: when "merged" or "deleted" is read out,
              // the tree already shows it.
              await onChanged();
              setNotice(message);
            }}
          />
        )}
      </div>
    </div>
  );
}

function NewCode({ codes, onCreated, onError }: { codes: Code[]; onCreated(): Promise<void>; onError(e: ErrorInfo | null): void }) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const [definition, setDefinition] = useState('');
  // "Under" is for this code only: after a sub-code the next one starts at the top again,
  // unless the student said they are adding several under the same parent.
  const [keepParent, setKeepParent] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await call('codes.add', { name, parentId: parentId || null, definition, color: nextColour(codes) });
    if (!r.ok) return onError(r.error);
    onError(null);
    setName('');
    setDefinition('');
    if (!keepParent) setParentId('');
    await onCreated();
  }
  return (
    <form className="new-code" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('analysis.codebook.new')}</h3>
      <div className="two">
        <TextField label={t('analysis.code.name')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        <ParentSelect label={t('analysis.code.parent')} codes={codes} value={parentId} onChange={setParentId} />
      </div>
      <DefinitionField value={definition} onChange={setDefinition} />
      {parentId && (
        <label className="checkbox">
          <input type="checkbox" checked={keepParent} onChange={(e) => setKeepParent(e.target.checked)} />
          {t('analysis.code.keepParent')}
        </label>
      )}
      <button type="submit" disabled={!name.trim()}>
        {t('analysis.codebook.add')}
      </button>
    </form>
  );
}

function ParentSelect({ label, codes, value, onChange, exclude }: { label: string; codes: Code[]; value: string; onChange(v: string): void; exclude?: Set<string> }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('analysis.code.noParent')}</option>
        {treeOrder(codes)
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

function DefinitionField({ value, onChange }: { value: string; onChange(v: string): void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('analysis.code.definition')}</label>
      <textarea id={id} rows={3} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-h`} />
      <p className="hint" id={`${id}-h`}>
        {t('analysis.code.definitionHint')}
      </p>
    </div>
  );
}

function CodeDetail(props: { code: Code; codes: Code[]; ended: boolean; onRetrieve(): void; onError(e: ErrorInfo): void; onDone(message: string, gone: boolean): Promise<void> }) {
  const { code, codes, ended, onError, onDone } = props;
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState(code.name);
  const [definition, setDefinition] = useState(code.definition);
  const [color, setColor] = useState(code.color);
  const [parentId, setParentId] = useState(code.parentId ?? '');
  const [mergeInto, setMergeInto] = useState('');
  const [deletion, setDeletion] = useState<CodeDeletion | null>(null);
  const below = descendants(codes, code.id);

  async function save() {
    const r = await call('codes.update', { id: code.id, name, definition, color });
    if (!r.ok) return onError(r.error);
    if ((code.parentId ?? '') !== parentId) {
      const m = await call('codes.move', { id: code.id, parentId: parentId || null });
      if (!m.ok) return onError(m.error);
    }
    await onDone(t('analysis.code.saved', { name }), false);
  }
  async function merge() {
    const into = codes.find((c) => c.id === mergeInto);
    if (!into) return;
    const r = await call('codes.merge', { from: code.id, into: into.id });
    if (!r.ok) return onError(r.error);
    await onDone(t('analysis.code.merged', { from: code.name, into: codeLabel(into), moved: r.value.segmentsMoved, joined: r.value.segmentsJoined }), true);
  }
  async function askDelete() {
    const r = await call('codes.deletePreview', { id: code.id });
    if (!r.ok) return onError(r.error);
    setDeletion(r.value);
  }
  async function remove() {
    const r = await call('codes.delete', { id: code.id });
    if (!r.ok) return onError(r.error);
    setDeletion(null);
    await onDone(t('analysis.code.deleted', { name: code.name, count: r.value.segmentsRemoved }), true);
  }

  return (
    <section className="card code-detail" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        <Swatch color={code.color} /> {codeLabel(code)}
      </h2>
      <p className="muted">{t('analysis.code.counts', { segments: code.segmentCount, interviews: code.transcriptCount })}</p>
      <button type="button" className="secondary" onClick={props.onRetrieve}>
        {t('analysis.code.retrieve')}
      </button>
      {!ended && (
        <>
          <TextField label={t('analysis.code.name')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          <DefinitionField value={definition} onChange={setDefinition} />
          <div className="two">
            <div className="field">
              <label htmlFor={`${id}-c`}>{t('analysis.code.colour')}</label>
              <input id={`${id}-c`} type="color" value={color} onChange={(e) => setColor(e.target.value)} />
            </div>
            <ParentSelect label={t('analysis.code.moveUnder')} codes={codes} value={parentId} onChange={setParentId} exclude={below} />
          </div>
          <button type="button" onClick={() => void save()} disabled={!name.trim()}>
            {t('common.save')}
          </button>
          <h3>{t('analysis.code.mergeTitle')}</h3>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-m`}>{t('analysis.code.mergeInto', { name: code.name })}</label>
              <select id={`${id}-m`} value={mergeInto} onChange={(e) => setMergeInto(e.target.value)}>
                <option value="">{t('analysis.code.choose')}</option>
                {treeOrder(codes)
                  .filter(({ item }) => item.id !== code.id)
                  .map(({ item, depth }) => (
                    <option key={item.id} value={item.id}>
                      {'  '.repeat(depth) + item.name}
                    </option>
                  ))}
              </select>
            </div>
            <button type="button" className="secondary" disabled={!mergeInto} onClick={() => void merge()}>
              {t('analysis.code.merge')}
            </button>
          </div>
          <h3>{t('analysis.code.deleteTitle')}</h3>
          {deletion === null ? (
            <button type="button" className="link danger-link" onClick={() => void askDelete()}>
              {t('analysis.code.delete', { name: code.name })}
            </button>
          ) : (
            <div className="banner banner-warning" role="alertdialog" aria-labelledby={`${id}-dh`}>
              <p id={`${id}-dh`}>
                <strong>{t('analysis.code.deleteConfirm', { name: code.name })}</strong>
              </p>
              <ul className="counts">
                <li>
                  {t('analysis.code.del.removed')} <span className="n">{deletion.segmentsRemoved}</span>
                </li>
                <li>
                  {t('analysis.code.del.uncoded')} <span className="n">{deletion.segmentsUncoded}</span>
                </li>
                <li>
                  {t('analysis.code.del.children')} <span className="n">{deletion.childrenMoved}</span>
                </li>
                <li>
                  {t('analysis.code.del.memos')} <span className="n">{deletion.memosRemoved}</span>
                </li>
              </ul>
              <div className="actions start">
                <button type="button" className="secondary" onClick={() => setDeletion(null)}>
                  {t('common.cancel')}
                </button>
                <button type="button" className="danger" onClick={() => void remove()}>
                  {t('analysis.code.deleteNow', { count: deletion.segmentsRemoved })}
                </button>
              </div>
            </div>
          )}
        </>
      )}
      <h3>{t('analysis.code.memos')}</h3>
      <MemoBox target={{ kind: 'code', id: code.id }} ended={ended} />
      <SupervisorFeedbackFor kind="code" id={code.id} />
    </section>
  );
}

/** Segments whose text an edit deleted: each waits for a decision, never dropped silently. */
function Orphans({ codes, onChanged, onOpenTranscript }: { codes: Code[]; onChanged(): Promise<void>; onOpenTranscript(id: string): void }) {
  const { t } = useI18n();
  const [list, setList] = useState<Segment[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const load = async () => {
    const r = await call('coding.orphans', {});
    if (!r.ok) return setError(r.error);
    setList(r.value);
  };
  useEffect(() => {
    void load();
  }, []);
  async function drop(id: string) {
    const r = await call('coding.removeSegment', { segmentId: id });
    if (!r.ok) return setError(r.error);
    await load();
    await onChanged();
  }
  const byId = new Map(codes.map((c) => [c.id, c]));
  return (
    <section className="banner banner-warning" aria-labelledby="orph-h">
      <h2 id="orph-h">{t('analysis.orphans.title', { count: list.length })}</h2>
      <p>{t('analysis.orphans.help')}</p>
      <ErrorBanner error={error} />
      <ul className="findings">
        {list.map((s) => (
          <li key={s.id}>
            <span>
              <strong>{s.participant}</strong> «{excerpt(s.text, 90)}» · {s.codeIds.map((c) => (byId.get(c) ? codeLabel(byId.get(c)!) : '?')).join(', ')}
            </span>
            <span className="actions start">
              <button type="button" className="link" onClick={() => onOpenTranscript(s.transcriptId)}>
                {t('analysis.orphans.open')}
              </button>
              <button type="button" className="danger" onClick={() => void drop(s.id)}>
                {t('analysis.orphans.drop')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
