/**
 * The deletion certificate, for the student's records and the institution: what was
 * destroyed at project end and when, in Norwegian and English, with no personal data
 * (counts of records, participants and recordings, never names).
 */
import { escapeHtml, formatLongDate, translate, type Locale, type MessageKey } from '../../../../shared/i18n/catalogue';
import { kindsAtEnd } from '../index';
import type { CertificatePlaces } from './backup-places';

export interface DestroyedStore {
  store: 'keylist' | 'recordings' | 'transcripts';
  records: number;
  participants: number;
  recordingFiles: number;
  recordingBytes: number;
}

export interface DeletionCertificate {
  vaultId: string;
  title: string;
  endDate: string;
  endAction: 'anonymise' | 'delete-all';
  /**
   * The time the deletion was judged by: when it was due (the end date reached, or the
   * day asked for with `enforce --now … --yes`). The only time in certificates written
   * before issue 32, where it was shown as when the data were deleted.
   */
  executedAt: string;
  /** The day it was due (local date); absent in older certificates. */
  dueOn?: string;
  /** When it was carried out, by the computer's clock; absent in older certificates. */
  carriedOutAt?: string;
  stores: DestroyedStore[];
  kept: ('keylist' | 'recordings' | 'transcripts')[];
  /**
   * The backup places and each one's state (erased, copy not yet erased, disk destroyed, no
   * copy), as the unlocked app last recorded them; brought up to date by the app as places are
   * reached. Absent: no place was ever recorded (or the certificate is older than issue 28's).
   */
  backupPlaces?: CertificatePlaces;
  /**
   * The clear list of places was damaged, or gone while the vault had recorded places: the
   * certificate says they are not known (copies may not be erased), never that there were none.
   */
  placesUnknown?: true;
}

const esc = escapeHtml;

function section(c: DeletionCertificate, locale: Locale): string {
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  const date = (iso: string): string => formatLongDate(iso, locale);
  const rows = c.stores
    .map(
      (s) =>
        `<tr><td>${t(`cert.store.${s.store}`)}</td><td class="n">${s.records}</td><td class="n">${s.participants}</td><td class="n">${s.store === 'recordings' ? s.recordingFiles : '–'}</td></tr>`,
    )
    .join('\n');
  return `<section lang="${locale}">
<h1>${t('cert.title')}</h1>
<p>${t('cert.intro', { title: c.title, date: date(c.endDate) })}</p>
<table>
${
  c.carriedOutAt
    ? `<tr><th>${t('cert.dueOn')}</th><td>${esc(date(c.dueOn ?? c.executedAt))}</td></tr>
<tr><th>${t('cert.carriedOut')}</th><td>${esc(date(c.carriedOutAt))} (${esc(c.carriedOutAt)})</td></tr>`
    : `<tr><th>${t('cert.executed')}</th><td>${esc(date(c.executedAt))} (${esc(c.executedAt)})</td></tr>`
}
<tr><th>${t('cert.endDate')}</th><td>${esc(date(c.endDate))}</td></tr>
<tr><th>${t('cert.vault')}</th><td>${esc(c.vaultId)}</td></tr>
</table>
<h2>${t('cert.destroyed')}</h2>
<table>
<tr><th>${t('cert.col.store')}</th><th class="n">${t('cert.col.records')}</th><th class="n">${t('cert.col.participants')}</th><th class="n">${t('cert.col.recordings')}</th></tr>
${rows}
</table>
<p>${t('cert.how')}</p>
${c.kept.length > 0 ? `<p>${t('cert.kept', { stores: c.kept.map((s) => translate(locale, `cert.store.${s}`)).join(', ') })}</p>` : ''}
${kindsSection(c, locale)}
${placesSection(c, locale)}
<p class="foot">${t('cert.footer')}</p>
</section>`;
}

/** The same, kind by kind of a participant's data, in the withdrawal receipt's words (the registry). */
function kindsSection(c: DeletionCertificate, locale: Locale): string {
  const kinds = kindsAtEnd(c.stores.map((s) => s.store));
  const names = (ks: string[]): string => ks.map((k) => translate(locale, `kind.${k}` as MessageKey)).join(', ');
  return [
    kinds.deleted.length > 0 ? `<p>${esc(translate(locale, 'cert.kinds.deleted', { kinds: names(kinds.deleted) }))}</p>` : '',
    kinds.kept.length > 0 ? `<p>${esc(translate(locale, 'cert.kinds.kept', { kinds: names(kinds.kept) }))}</p>` : '',
  ].join('\n');
}

/** The backup places: each one erased, not yet erased, or its disk destroyed; and what no software reaches. */
function placesSection(c: DeletionCertificate, locale: Locale): string {
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  const date = (iso: string): string => formatLongDate(iso, locale);
  const bp = c.backupPlaces;
  if (c.placesUnknown) return `<h2>${t('cert.backup.title')}</h2>\n<p>${t('cert.backup.unknown')}</p>\n<p>${t('cert.backup.limits')}</p>`;
  if (!bp || bp.places.length === 0) return `<h2>${t('cert.backup.title')}</h2>\n<p>${t('cert.backup.none')}</p>\n<p>${t('cert.backup.limits')}</p>`;
  const state = (p: CertificatePlaces['places'][number]): string =>
    p.state === 'destroyed' ? t('cert.backup.destroyed', { date: date(p.destroyedOn ?? '') }) : t(p.state === 'erased' ? 'cert.backup.erased' : p.state === 'no-copy' ? 'cert.backup.noCopy' : 'cert.backup.notErased');
  const rows = bp.places.map((p) => `<tr><td>${p.n}</td><td>${esc(p.label)}</td><td>${p.lastCopyAt ? esc(date(p.lastCopyAt)) : '–'}</td><td>${state(p)}</td></tr>`).join('\n');
  return `<h2>${t('cert.backup.title')}</h2>
<p>${t('cert.backup.intro', { date: date(bp.asOf) })}</p>
<table>
<tr><th>${t('cert.backup.col.n')}</th><th>${t('cert.backup.col.place')}</th><th>${t('cert.backup.col.last')}</th><th>${t('cert.backup.col.state')}</th></tr>
${rows}
</table>
<p>${t('cert.backup.limits')}</p>`;
}

export function renderCertificateHtml(c: DeletionCertificate): string {
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(translate('nb', 'cert.title'))} / ${esc(translate('en', 'cert.title'))}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
  section + section { margin-top: 3rem; padding-top: 2rem; border-top: 2px solid #ccc; page-break-before: always; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ccc; }
  .n { text-align: right; }
  .foot { font-size: 0.85rem; color: #444; }
</style>
</head>
<body>
${section(c, 'nb')}
${section(c, 'en')}
</body>
</html>
`;
}
