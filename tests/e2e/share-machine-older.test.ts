/**
 * A share made before the machine-text passages travelled (issue 26), in the supervisor's
 * reader, in Chromium, in Norwegian: such a share carries the count of checked passages
 * but not which ones, so the reader draws no passage grey, says it cannot show which,
 * and marks every quote of a draft with unchecked passages "delingen sier ikke om dette
 * sitatet er kontrollert" (in the reader's list, retrieval and the report), never as
 * checked. The older share is the student's own re-made without the marks, signed by the
 * same student (as tests/core/share-machine-text.test.ts makes it). axe-core clean.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, startHarness, type Harness } from './harness';
import { axeViolations } from './axe';
import { makeSpeechLikeWav } from './audio-fixture';
import { tempDir } from '../core/helpers';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { openSharePayload, readShare, sealShare } from '../../electron/core/services/supervisor/share-file';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { fromB64 } from '../../electron/core/crypto/encoding';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';

const TITLE = 'Relasjonsarbeid i arbeidsinkluderingsprosesser';
const SUP_PASS = 'veilederen har sin egen lange frase';
const DRAFT = ['#00:00:00-5# I: Hvordan begynte det? #00:00:02-0# Fortell.', '#00:00:03-5# B: Det var på kafeen en mandag.', '#00:00:12-0# I: Og etterpå?', ''].join('\n');
const UNKNOWN = '(fra et automatisk utkast som ikke er ferdig kontrollert; delingen sier ikke om dette sitatet er kontrollert)';

let student: Harness;
let supervisor: Harness;
let browser: Browser;
let supPage: Page;
let supProblems: string[];
let home: string;
let supHome: string;

beforeAll(async () => {
  ({ harness: student, browser, home } = await openStudy('hvelv-e2e-mtold-'));
  await student.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await student.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const wav = path.join(tempDir(), 'intervju.wav');
  makeSpeechLikeWav(wav, 16);
  student.fileAnswers.push(wav);
  const token = (await student.invoke('recordings.chooseFile', {})) as { token: string };
  const recordingId = ((await student.invoke('recordings.import', { jobId: 'mt-old-1', code: 'JS01', file: token.token })) as { id: string }).id;
  const t = new Transcripts(student.sessions.require(), () => new Date()).createDraft('JS01', DRAFT, recordingId, { model: 'test', language: 'nb' });
  // Two of the four passages heard through: the share says "2 av 4", and not which two.
  await student.invoke('transcripts.heard', { id: t.id, ms: [500, 2000] });
  const code = (await student.invoke('codes.add', { name: 'Begynnelsen' })) as { id: string };
  const at = (words: string) => ({ start: [...DRAFT.slice(0, DRAFT.indexOf(words))].length, end: [...DRAFT.slice(0, DRAFT.indexOf(words) + words.length)].length });
  // One quote on heard words, one on machine text: an older share can tell neither.
  const heard = (await student.invoke('coding.apply', { transcriptId: t.id, ...at('Hvordan begynte det?'), codeId: code.id })) as { id: string };
  const machine = (await student.invoke('coding.apply', { transcriptId: t.id, ...at('på kafeen en mandag'), codeId: code.id })) as { id: string };
  for (const id of [heard.id, machine.id]) await student.invoke('coding.quote', { segmentId: id, quote: true });
  const theme = (await student.invoke('themes.add', { name: 'Start' })) as { id: string };
  await student.invoke('themes.assign', { themeId: theme.id, codeId: code.id, assigned: true });

  supHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-mtoldv-'));
  supervisor = await startHarness({ home: supHome, locale: 'nb-NO' });
  const id = (await supervisor.invoke('supervisor.init', { path: path.join(supHome, 'veileder'), passphrase: SUP_PASS })) as { key: string };
  const supId = ((await student.invoke('supervisors.add', { key: id.key, label: 'Hovedveileder', until: '2030-12-31' })) as { id: string }).id;
  const plan = (await student.invoke('shares.plan', { supervisorId: supId })) as { findings: { id: string }[] };
  const file = path.join(home, 'deling.hvelvshare');
  student.saveAnswers.push(file);
  await student.invoke('shares.create', { supervisorId: supId, accepted: plan.findings.map((f) => f.id) });

  // Re-made as a Hvelv before the marks travelled made it: the same content and signer, no machineSpans.
  const crypto = await createCrypto();
  const sup = supervisor.supervisorFolder.current!.session;
  const { body } = readShare(fs.readFileSync(file), nodeEd25519);
  const payload = openSharePayload(crypto, body, (sealed) => sup.openSealed(sealed));
  expect(payload.transcripts[0]!.machineSpans).toBeTruthy();
  for (const tr of payload.transcripts) delete tr.machineSpans;
  const older = sealShare(
    crypto,
    (m) => student.sessions.require().signShare(m),
    { vaultId: body.vaultId, title: body.title, shareVersion: body.shareVersion, madeAt: body.madeAt, until: body.until as never, owner: fromB64(body.owner), recipient: { box: fromB64(body.recipient.box), sign: fromB64(body.recipient.sign) }, participants: body.participants, withdrawn: body.withdrawn, counts: body.counts },
    payload,
  );
  const olderFile = path.join(home, 'eldre-deling.hvelvshare');
  fs.writeFileSync(olderFile, older);
  supervisor.fileAnswers.push(olderFile);
  const shareToken = (await supervisor.invoke('supervisor.chooseShare', {})) as { token: string };
  await supervisor.invoke('supervisor.openShare', { file: shareToken.token });
  ({ page: supPage, problems: supProblems } = await newPage(browser, 860));
  await supPage.goto(supervisor.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await student?.close();
  await supervisor?.close();
  for (const d of [home, supHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe("an older share's machine text in the supervisor's reader (nb)", () => {
  it('gives the count, greys no passage, and marks every quote "the share does not say"', async () => {
    await supPage.getByRole('button', { name: 'Jeg er veileder' }).click();
    await supPage.getByRole('button', { name: `Les «${TITLE}»` }).click();
    await expect.poll(() => supPage.locator('.tr-list li').first().textContent()).toContain('2 av 4 avsnitt kontrollert mot opptaket');
    await supPage.getByRole('button', { name: /JS01/ }).first().click();
    await expect.poll(() => supPage.getByTestId('sr-machine-count').textContent()).toBe('2 av 4 avsnitt kontrollert mot opptaket');
    // It cannot say which passages: none drawn grey (none drawn as checked either), and the hint says so.
    expect(await supPage.locator('.sup-transcript .transcript-text .sr-machine').count()).toBe(0);
    expect(await supPage.getByTestId('sr-machine-text').textContent()).toContain('Delingen sier ikke hvilke avsnitt');
    // Both quotes, the one on heard words too: the share cannot clear either.
    const segments = supPage.locator('.sup-segments .sup-segment');
    await expect.poll(() => segments.count()).toBe(2);
    for (const i of [0, 1]) {
      expect(await segments.nth(i).textContent()).toContain(UNKNOWN);
      expect(await segments.nth(i).textContent()).not.toContain('(maskintekst, ikke kontrollert)');
    }
    expect(await axeViolations(supPage)).toEqual([]);
    await screenshot(supPage, 'mt-share-older-01-reader-nb');
  });

  it('retrieval and the report say the same of each quote', async () => {
    await supPage.getByRole('button', { name: 'Gjenfinning' }).click();
    await supPage.locator('#sr-re-of').selectOption({ label: 'Begynnelsen' });
    const items = supPage.locator('ul.retrieved > li');
    await expect.poll(() => items.count()).toBe(2);
    for (const i of [0, 1]) {
      expect(await items.nth(i).getByText(UNKNOWN).count()).toBe(1);
      expect(await items.nth(i).getByText('(maskintekst, ikke kontrollert)').count()).toBe(0);
    }
    expect(await axeViolations(supPage)).toEqual([]);
    await screenshot(supPage, 'mt-share-older-02-retrieval-nb');
    await supPage.getByRole('button', { name: 'Rapport' }).click();
    const quotes = supPage.locator('.report-quote');
    await expect.poll(() => quotes.count()).toBe(2);
    for (const q of await quotes.allTextContents()) expect(q).toContain(UNKNOWN);
    expect(await axeViolations(supPage)).toEqual([]);
    expect(supProblems).toEqual([]);
  });
});
