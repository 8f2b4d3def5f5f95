/**
 * A study's usual first steps, made through main's handlers as the screens make them: the
 * e2e tests that need consented participants with coded interviews start from here instead
 * of repeating the same calls.
 */
import type { Harness } from './harness';

/** Record written consent for `code`: participation, recording and processing until the end date. */
export async function recordConsent(harness: Harness, code: string): Promise<void> {
  await harness.invoke('consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
}

/**
 * For each participant code in `texts`: consent, a transcript holding its text, and the code
 * `codeId` applied to characters `start`–`end` of it. Returns the transcripts' ids by code.
 */
export async function codedInterviews(harness: Harness, texts: Record<string, string>, codeId: string, start = 3, end = 9): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [code, text] of Object.entries(texts)) {
    await recordConsent(harness, code);
    const { id } = (await harness.invoke('transcripts.create', { code, recordingId: null })) as { id: string };
    await harness.invoke('transcripts.update', { id, text });
    await harness.invoke('coding.apply', { transcriptId: id, start, end, codeId });
    ids[code] = id;
  }
  return ids;
}
