/**
 * Documents given to participants: the withdrawal receipt and the access-request
 * cover letter, in nb or en. The receipt holds no personal data: a code, dates,
 * kinds of data and counts.
 */
import { escapeHtml, formatLongDate, translate, type Locale, type MessageKey } from '../../../../shared/i18n/catalogue';
import type { ProjectFacts } from '../../vault/vault';

export type { WithdrawalReceiptDto as WithdrawalReceipt } from '../../../../shared/contract';
import type { WithdrawalReceiptDto as WithdrawalReceipt } from '../../../../shared/contract';
import { placeLabel } from '../project-end/backup-places';

const esc = escapeHtml;


function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ccc; }
  td.n { text-align: right; }
  footer { margin-top: 2rem; font-size: 0.85rem; color: #444; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function renderReceiptHtml(r: WithdrawalReceipt, locale: Locale): string {
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  const date = (iso: string): string => formatLongDate(iso, locale);
  // Every kind the withdrawal counted, in the registry's order: the rows the dialog showed.
  const rows = Object.entries(r.counts).map(([k, n]) => `<tr><td>${t(`kind.${k}` as MessageKey)}</td><td class="n">${n}</td></tr>`).join('\n');
  return page(
    locale,
    translate(locale, 'receipt.title'),
    `<h1>${t('receipt.title')}</h1>
<p>${t('receipt.intro', { code: r.code, title: r.projectTitle })}</p>
<table>
<tr><th>${t('receipt.code')}</th><td>${esc(r.code)}</td></tr>
<tr><th>${t('receipt.consentGiven')}</th><td>${r.consentGivenOn ? esc(date(r.consentGivenOn)) : t('receipt.none')}</td></tr>
<tr><th>${t('receipt.withdrawn')}</th><td>${esc(date(r.withdrawnOn))}</td></tr>
<tr><th>${t('receipt.completed')}</th><td>${esc(date(r.completedAt))}</td></tr>
</table>
<h2>${t('receipt.deleted')}</h2>
<table>
<tr><th>${t('receipt.kind')}</th><th>${t('receipt.count')}</th></tr>
${rows}
</table>
${exportsSection(r, t, date)}
${supervisorSection(r, locale)}
${backupSection(r, locale)}
<footer>${t('receipt.footer')}</footer>`,
  );
}

/** Copies made before the withdrawal, outside the vault: said, so they can be deleted too. */
function exportsSection(r: WithdrawalReceipt, t: (k: MessageKey, p?: Record<string, string | number>) => string, date: (iso: string) => string): string {
  const list = r.exportsHolding ?? [];
  if (list.length === 0) return '';
  const rows = list.map((e) => `<tr><td>${esc(date(e.at.slice(0, 10)))}</td><td>${t(e.action === 'exchange.exported' ? 'receipt.export.exchange' : 'receipt.export.report', { format: e.format })}</td></tr>`).join('\n');
  return `<h2>${t('receipt.exports')}</h2>
<p>${t('receipt.exportsIntro')}</p>
<table>
${rows}
</table>
`;
}

export function renderAccessCoverLetter(
  a: { code: string; facts: ProjectFacts; files: { name: string; what: string }[]; date: string },
  locale: Locale,
): string {
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  const items = [...a.files, { name: locale === 'nb' ? '00-folgebrev.html' : '00-cover-letter.html', what: 'cover' }]
    .map((f) => `<tr><td>${esc(f.name)}</td><td>${t(`access.what.${f.what}` as MessageKey)}</td></tr>`)
    .join('\n');
  return page(
    locale,
    translate(locale, 'access.title', { code: a.code }),
    `<h1>${t('access.title', { code: a.code })}</h1>
<p>${t('access.intro', { title: a.facts.title, date: a.date })}</p>
<h2>${t('access.contents')}</h2>
<table>
${items}
</table>
<p>${t('access.rights')}</p>
<p>${t('access.contact', { supervisor: a.facts.supervisor, student: a.facts.student, institution: a.facts.institution })}</p>`,
  );
}

/** What a supervisor held of the participant's data, and whether a new share without them was made (issue 10). */
function supervisorSection(r: WithdrawalReceipt, locale: Locale): string {
  if (!r.supervisorCopies?.length) return '';
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  const items = r.supervisorCopies.map((c) => {
    const held = t('receipt.supervisorCopy', { label: c.label, fingerprint: c.fingerprint, version: c.version, madeAt: formatLongDate(c.madeAt, locale) });
    const next = c.replacedAt ? t('receipt.supervisorReplaced', { date: formatLongDate(c.replacedAt, locale) }) : t('receipt.supervisorNotReplaced');
    return `<li>${held} ${next}</li>`;
  });
  return `<h2>${t('receipt.supervisorHeading')}</h2>\n<ul>\n${items.join('\n')}\n</ul>`;
}

/** The backup places, and whether each was brought up to the withdrawal (issue 28). */
function backupSection(r: WithdrawalReceipt, locale: Locale): string {
  if (!r.backupPlaces?.length) return '';
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  // By the folder's name only, as the certificate names them: the receipt goes to the
  // participant, and the whole path tells them the student's user name, cloud and folders.
  const items = r.backupPlaces.map((p) => `<li>${esc(placeLabel(p.dir))}: ${t(p.updated ? 'receipt.backupUpdated' : 'receipt.backupNotYet')}</li>`);
  return `<h2>${t('receipt.backupHeading')}</h2>\n<p>${t('receipt.backupIntro')}</p>\n<ul>\n${items.join('\n')}\n</ul>`;
}
