/**
 * Attack on issue 14's rule for cue files, after the import notices landed: "either all
 * the text of the file arrives, or the import is refused with a message that says which
 * line is wrong" (and a cue that cannot be placed in time keeps its text and is counted).
 * Each case is a file a real tool or a hand edit produces; the parser is the real one.
 */
import { describe, expect, it } from 'vitest';
import { parseTranscriptFile } from '../../electron/core/services/transcripts/formats';

const bytes = (s: string) => new TextEncoder().encode(s);
/** The import either refused, or kept every word (as text, timed or not). */
function allArrivesOrRefused(file: string, format: 'srt' | 'vtt', words: string[]): { kept: string[]; lost: string[]; untimed: number } | 'refused' {
  let r;
  try {
    r = parseTranscriptFile(bytes(file), format);
  } catch {
    return 'refused';
  }
  return { kept: words.filter((w) => r.text.includes(w)), lost: words.filter((w) => !r.text.includes(w)), untimed: r.untimedCues };
}

describe('attack s4: cue files whose text is dropped without a word', () => {
  it('a .vtt whose first cue follows the WEBVTT line without a blank line: the cue’s words arrive or the import is refused', () => {
    const file = 'WEBVTT\n00:00:01.000 --> 00:00:03.000\nI: Første spørsmål om Sauda.\n\n00:00:04.000 --> 00:00:06.000\nB: Svaret.\n';
    const r = allArrivesOrRefused(file, 'vtt', ['Første spørsmål om Sauda.', 'B: Svaret.']);
    if (r !== 'refused') expect(r.lost, `imported with ${r.untimed} untimed cues said`).toEqual([]);
  });

  it('a .vtt header with text lines after WEBVTT (a tool’s title and a first cue without a blank line between)', () => {
    const file = 'WEBVTT Intervju JS01\nKind: captions\n00:00:01.000 --> 00:00:03.000\nI: Hvordan begynte det?\n\n00:00:04.000 --> 00:00:06.000\nB: Med en telefon.\n';
    const r = allArrivesOrRefused(file, 'vtt', ['I: Hvordan begynte det?', 'B: Med en telefon.']);
    if (r !== 'refused') expect(r.lost, `imported with ${r.untimed} untimed cues said`).toEqual([]);
  });

  it('an .srt block with a line of words (not a cue number) right above its timing line: the words arrive or the import is refused', () => {
    const file = '1\n00:00:01,000 --> 00:00:03,000\nI: Fortell om jobben.\n\nB: Jeg jobber i Sauda.\n00:00:04,000 --> 00:00:06,000\nI: Hvor lenge?\n';
    const r = allArrivesOrRefused(file, 'srt', ['I: Fortell om jobben.', 'B: Jeg jobber i Sauda.', 'I: Hvor lenge?']);
    if (r !== 'refused') expect(r.lost, `imported with ${r.untimed} untimed cues said`).toEqual([]);
  });

  it('a .vtt NOTE block with the transcriber’s words: imported, or at least counted as left out (a .docx’s comments are said; these vanish)', () => {
    const file = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nI: Hvordan var det?\n\nNOTE Uklart her, hun nevner sjefen ved navn\n\n00:00:04.000 --> 00:00:06.000\nB: Greit.\n';
    const r = parseTranscriptFile(bytes(file), 'vtt');
    const said = r.untimedCues > 0 || Object.values(r.leftOut ?? {}).some((n) => n > 0);
    expect({ inText: r.text.includes('hun nevner sjefen ved navn'), said }, `imported as ${JSON.stringify(r)}`).not.toEqual({ inText: false, said: false });
  });

  it('held: an .srt cue without any timing line keeps its text and is counted', () => {
    const file = '1\n00:00:01,000 --> 00:00:03,000\nI: Fortell.\n\nB: En replikk uten tid.\n\n3\n00:00:07,000 --> 00:00:08,000\nI: Takk.\n';
    const r = allArrivesOrRefused(file, 'srt', ['I: Fortell.', 'B: En replikk uten tid.', 'I: Takk.']);
    expect(r).toEqual({ kept: ['I: Fortell.', 'B: En replikk uten tid.', 'I: Takk.'], lost: [], untimed: 1 });
  });
});
