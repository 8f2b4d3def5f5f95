import { useEffect, useMemo, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { Code, Theme, ThematicMapData } from '../../../../shared/analysis';
import { thematicMapSvg } from '../../../../shared/analysis-map';
import type { ErrorInfo } from '../../../../shared/errors';
import type { WhereClause } from '../../../../shared/attributes';
import { AttributeFilter } from './AttributeFilter';

/**
 * The thematic map, drawn by the same function that writes the exported file, so what
 * the student sees is what goes into the thesis. PNG is rendered from that SVG here.
 */
export function ThematicMap({ title, themes, codes }: { title: string; themes: Theme[]; codes: Code[] }) {
  const { t } = useI18n();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [where, setWhere] = useState<WhereClause[]>([]);
  // Filtered, the counts are of the passages of the participants holding the value (core counts them).
  const [filtered, setFiltered] = useState<ThematicMapData | null>(null);
  useEffect(() => {
    if (where.length === 0) return setFiltered(null);
    void call('analysis.mapData', { where }).then((r) => (r.ok ? (setFiltered(r.value), setError(null)) : setError(r.error)));
  }, [where, themes, codes]);
  const svg = useMemo(() => {
    const data: ThematicMapData = filtered ?? {
      title,
      themes: themes.map((x) => ({ id: x.id, name: x.name, status: x.status, parentId: x.parentId, codeIds: x.codeIds, segmentCount: x.segmentCount })),
      codes: codes.map((c) => ({ id: c.id, name: c.name, color: c.color, segmentCount: c.segmentCount })),
    };
    return thematicMapSvg(data, {
      segments: (n) => t('analysis.map.segments', { n }),
      status: { candidate: t('analysis.status.candidate'), reviewed: t('analysis.status.reviewed'), defined: t('analysis.status.defined') },
      empty: t('analysis.map.empty'),
    });
  }, [title, themes, codes, filtered, t]);

  async function save(format: 'svg' | 'png') {
    const data = format === 'svg' ? svg : await toPng(svg);
    const r = await call('analysis.saveMap', { format, data });
    if (!r.ok) return setError(r.error);
    setError(null);
    if (r.value) setNotice(t('analysis.exported', { path: r.value }));
  }

  return (
    <section className="card" aria-labelledby="map-h">
      <div className="page-head">
        <h2 id="map-h">{t('analysis.map.title')}</h2>
        <div className="actions start">
          <button type="button" className="secondary" onClick={() => void save('svg')}>
            {t('analysis.map.svg')}
          </button>
          <button type="button" className="secondary" onClick={() => void save('png')}>
            {t('analysis.map.png')}
          </button>
        </div>
      </div>
      <AttributeFilter where={where} onChange={setWhere} />
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {/* The SVG string is built by thematicMapSvg, which escapes every name it writes. */}
      <div className="map-frame" dangerouslySetInnerHTML={{ __html: svg }} />
    </section>
  );
}

/** The SVG drawn onto a canvas at twice its size (sharp in a printed thesis), as base64 PNG. */
async function toPng(svg: string): Promise<string> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth * 2;
  canvas.height = img.naturalHeight * 2;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
