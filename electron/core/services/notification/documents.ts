/**
 * The notification text as the student takes it away: Markdown (the clipboard and a .md
 * file) and a Word document (the `docx` library, as the analysis report). In memory only.
 */
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import type { NotificationText } from '../../../../shared/notification';

export function notificationMarkdown(text: NotificationText): string {
  const out = [`# ${text.title}`, '', text.produced, ''];
  for (const s of text.sections) {
    out.push(`## ${s.heading}`, '');
    for (const p of s.paragraphs) out.push(p, '');
  }
  return out.join('\n');
}

export async function notificationDocx(text: NotificationText): Promise<Uint8Array> {
  const children: Paragraph[] = [
    new Paragraph({ text: text.title, heading: HeadingLevel.TITLE }),
    new Paragraph({ children: [new TextRun({ text: text.produced, italics: true })] }),
  ];
  for (const s of text.sections) {
    children.push(new Paragraph({ text: s.heading, heading: HeadingLevel.HEADING_1 }));
    for (const p of s.paragraphs) children.push(new Paragraph({ text: p }));
  }
  const doc = new Document({ creator: 'Hvelv', title: text.title, sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}
