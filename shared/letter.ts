/**
 * Whether an information letter is finished: the template leaves fields in [brackets]
 * for what only the student can write (the purpose, why this person is asked, how many).
 * A consent points to the exact text it was given on, so a letter with such fields left
 * is not offered for consent without the student's explicit, recorded choice.
 */
import type { FormText } from './contract';

const FIELD = /\[[^[\]\n]{1,300}\]/gu;

/** The unfilled [fields] of one language's letter and consent form, each once, in reading order. */
export function unfilledFields(text: FormText): string[] {
  const parts = [
    text.title,
    text.intro,
    ...text.sections.flatMap((s) => [s.heading, s.body]),
    text.closing,
    ...text.signatories.flatMap((s) => [s.name, s.role]),
    text.consentHeading,
    text.consentIntro,
    ...text.statements.map((s) => s.text),
    text.signatureLine,
  ];
  return [...new Set(parts.flatMap((p) => p.match(FIELD) ?? []))];
}
