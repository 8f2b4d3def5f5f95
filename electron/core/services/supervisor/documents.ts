/**
 * The certificate of deletion a supervisor sends back to the student: what was held (codes
 * and counts, never text), until when, when it was destroyed, signed with the supervisor's
 * key so the student can check it against the fingerprint they compared.
 */
import { escapeHtml as esc, formatLongDate, translate, type Locale, type MessageKey } from '../../../../shared/i18n/catalogue';
import type { ShareCertificate } from '../../../../shared/supervisor';

export function renderShareCertificateHtml(c: ShareCertificate, signature: string, locale: Locale): string {
  const t = (k: MessageKey, p?: Record<string, string | number>): string => esc(translate(locale, k, p));
  const rows = (Object.entries(c.counts) as [string, number][]).map(([k, n]) => `<tr><td>${esc(k)}</td><td class="n">${n}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${t('shareCertificate.title')}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ccc; }
  td.n { text-align: right; }
  pre { white-space: pre-wrap; word-break: break-all; font-size: 0.8rem; background: #f4f4f4; padding: 0.5rem; }
</style>
</head>
<body>
<h1>${t('shareCertificate.title')}</h1>
<p>${t('shareCertificate.intro', { title: c.title, version: c.version, until: formatLongDate(c.until, locale), destroyed: formatLongDate(c.destroyedAt, locale) })}</p>
<table>
<tr><th>${t('shareCertificate.supervisor')}</th><td>${esc(c.supervisorFingerprint)}</td></tr>
<tr><th>${t('shareCertificate.owner')}</th><td>${esc(c.ownerFingerprint)}</td></tr>
<tr><th>${t('shareCertificate.participants')}</th><td>${esc(c.participants.join(', '))}</td></tr>
</table>
<table>
${rows}
</table>
<p>${t('shareCertificate.signed')}</p>
<pre>${esc(JSON.stringify({ certificate: c, signature }))}</pre>
</body>
</html>
`;
}
