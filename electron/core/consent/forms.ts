/**
 * The information letter and consent form, generated in nb and en from the
 * project's facts (templates in resources/templates, with the sections of the
 * seed study's letter), editable by the student, and frozen once a consent was
 * given on a version: a consent always points to the exact text (its hash).
 */
import { canonicalJson, sha256, toHex, utf8 } from '../crypto/encoding';
import { HvelvError } from '../errors';
import type { RecordStore } from '../stores/record-store';
import type { ProjectFacts } from '../vault/vault';
import { formTextSchema, type FormText, type FormVersionDto } from '../../../shared/contract';
import { escapeHtml, formatLongDate, type Locale } from '../../../shared/i18n/catalogue';
import nbTemplate from '../../../resources/templates/letter.nb.json';
import enTemplate from '../../../resources/templates/letter.en.json';
import { T } from './model';

export { formTextSchema, type FormText };

export type FormVersion = FormVersionDto;

const TEMPLATES: Record<Locale, FormText> = {
  nb: formTextSchema.parse(nbTemplate),
  en: formTextSchema.parse(enTemplate),
};

function fill(text: string, facts: ProjectFacts, locale: Locale): string {
  const date = formatLongDate(facts.endDate, locale);
  const values: Record<string, string> = {
    title: facts.title,
    institution: facts.institution || '[institusjon]',
    faculty: facts.faculty || '[fakultet]',
    student: facts.student || '[student]',
    supervisor: facts.supervisor || '[veileder]',
    siktRef: facts.siktRef || '[referanse]',
    endDate: date,
  };
  return text.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

/** The letter and form for these project facts, from the template. */
export function generateFormText(facts: ProjectFacts, locale: Locale): FormText {
  const t = TEMPLATES[locale];
  const f = (s: string): string => fill(s, facts, locale);
  return {
    title: f(t.title),
    intro: f(t.intro),
    sections: t.sections.map((s) => ({ id: s.id, heading: f(s.heading), body: f(s.body) })),
    closing: f(t.closing),
    signatories: t.signatories.map((s) => ({ name: f(s.name), role: f(s.role) })),
    consentHeading: f(t.consentHeading),
    consentIntro: f(t.consentIntro),
    statements: t.statements.map((s) => ({ id: s.id, text: f(s.text) })),
    signatureLine: f(t.signatureLine),
  };
}

export function formHash(text: FormText): string {
  return toHex(sha256(utf8(canonicalJson(text))));
}

const versionId = (v: number): string => `v${v}`;

export function listForms(keylist: RecordStore): FormVersion[] {
  return keylist
    .list<FormVersion>(T.form)
    .map((r) => r.data)
    .sort((a, b) => a.version - b.version);
}

export function getForm(keylist: RecordStore, version: number): FormVersion {
  const rec = keylist.get<FormVersion>(T.form, versionId(version));
  if (!rec) throw new HvelvError('INVALID_INPUT', `there is no form version ${version}`);
  return rec.data;
}

function save(keylist: RecordStore, form: FormVersion): FormVersion {
  keylist.put(T.form, { id: versionId(form.version), participant: null, data: form });
  return form;
}

function withHashes(version: number, createdAt: string, frozen: boolean, texts: Record<Locale, FormText>): FormVersion {
  return { version, createdAt, frozen, texts, hashes: { nb: formHash(texts.nb), en: formHash(texts.en) } };
}

/** Version 1, generated from the facts, if the project has no form yet. */
export function ensureInitialForm(keylist: RecordStore, facts: ProjectFacts, now: Date): FormVersion {
  const existing = listForms(keylist);
  if (existing.length > 0) return existing.at(-1)!;
  return save(keylist, withHashes(1, now.toISOString(), false, { nb: generateFormText(facts, 'nb'), en: generateFormText(facts, 'en') }));
}

/** Edit a version that no consent has used yet. */
export function updateFormText(keylist: RecordStore, version: number, locale: Locale, text: FormText): FormVersion {
  const form = getForm(keylist, version);
  if (form.frozen) throw new HvelvError('FORM_FROZEN', `form version ${version} was used for consent and is frozen`);
  const parsed = formTextSchema.parse(text);
  return save(keylist, withHashes(form.version, form.createdAt, false, { ...form.texts, [locale]: parsed }));
}

/** A new editable version, starting from the latest. */
export function newFormVersion(keylist: RecordStore, now: Date): FormVersion {
  const latest = listForms(keylist).at(-1);
  if (!latest) throw new HvelvError('INVALID_INPUT', 'there is no form to copy');
  return save(keylist, withHashes(latest.version + 1, now.toISOString(), false, latest.texts));
}

export function freezeForm(keylist: RecordStore, version: number): FormVersion {
  const form = getForm(keylist, version);
  return form.frozen ? form : save(keylist, { ...form, frozen: true });
}

const esc = escapeHtml;

function paragraphs(body: string): string {
  return body
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      const items = lines.filter((l) => l.startsWith('- '));
      if (items.length > 0) {
        const lead = lines.filter((l) => !l.startsWith('- ')).join(' ');
        return `${lead ? `<p>${esc(lead)}</p>` : ''}<ul>${items.map((i) => `<li>${esc(i.slice(2))}</li>`).join('')}</ul>`;
      }
      return `<p>${esc(block.replace(/\n/g, ' '))}</p>`;
    })
    .join('\n');
}

/** A standalone, printable HTML document (no scripts, no external resources). */
export function renderFormHtml(text: FormText, locale: Locale, meta: { version: number; hash: string }): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(text.title)}</title>
<style>
  body { font-family: Georgia, 'Times New Roman', serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 1.4rem; }
  .signatories { display: flex; gap: 4rem; margin-top: 1rem; }
  .consent { page-break-before: always; margin-top: 3rem; }
  .box { display: inline-block; width: 1em; height: 1em; border: 1px solid #111; margin-right: 0.6em; vertical-align: -0.15em; }
  .sign { margin-top: 3rem; border-top: 1px dashed #111; padding-top: 0.3rem; }
  footer { margin-top: 2rem; font-size: 0.75rem; color: #555; }
</style>
</head>
<body>
<h1>${esc(text.title)}</h1>
${paragraphs(text.intro)}
${text.sections.map((s) => `<h2>${esc(s.heading)}</h2>\n${paragraphs(s.body)}`).join('\n')}
<p>${esc(text.closing)}</p>
<div class="signatories">${text.signatories.map((s) => `<div><div>${esc(s.name)}</div><div>${esc(s.role)}</div></div>`).join('')}</div>
<section class="consent">
<h2>${esc(text.consentHeading)}</h2>
${paragraphs(text.consentIntro)}
<ul style="list-style:none;padding:0">${text.statements.map((s) => `<li><span class="box"></span>${esc(s.text)}</li>`).join('\n')}</ul>
<p class="sign">${esc(text.signatureLine)}</p>
</section>
<footer>v${meta.version} · ${meta.hash.slice(0, 16)}</footer>
</body>
</html>
`;
}
