/**
 * What the analysis holds about a participant: the passages of their interviews that are
 * coded (with the codes applied, for the access request), and the memos on their
 * transcripts and passages, private ones too (the right of access covers what is written
 * about them). Registered in services/index.ts.
 */
import * as path from 'node:path';
import type { ParticipantData } from '../../vault/participant-data';
import { markQuotesOfWithdrawn } from './check';
import { analysisOfParticipant } from './participant-data';
import { A, analysisCache } from './records';
import { noteWithdrawal } from './withdrawn';

export const ANALYSIS_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'coded-segments',
    // Both shapes: parts of a transcript's segments, and the whole-transcript record of
    // vaults coded before parts. Counted passage by passage, not record by record.
    tables: [
      { store: 'transcripts', table: A.coding },
      { store: 'transcripts', table: A.codingPart },
    ],
    count: (session, code) => analysisOfParticipant(session, code).segments.length,
    beforeDestroy: (session, code, store, now) => {
      if (store !== 'transcripts') return;
      // The analysis says once, where it changed, what the withdrawal removed (withdrawn.ts).
      if (!session.stores.transcripts.destroyed) noteWithdrawal(session, code, now);
      // What quotes them outside their own records (a code memo, a theme's definition) is
      // not destroyed with their key: it is marked, so the identifying-details check lists
      // it for the student, before the text to compare with is gone.
      if (!session.stores.transcripts.destroyed) markQuotesOfWithdrawn(session, code);
      return () => analysisCache(session).forgetParticipant(code);
    },
    access: ({ session, code, write }) => {
      const { segments } = analysisOfParticipant(session, code);
      if (segments.length > 0) write(path.join('analysis', 'coded-segments.json'), `${JSON.stringify(segments, null, 2)}\n`, 'coded-segments');
    },
    inShare: true,
  },
  {
    kind: 'memos',
    tables: [{ store: 'transcripts', table: A.memo }],
    count: (session, code) => analysisOfParticipant(session, code).memos.length,
    access: ({ session, code, write }) => {
      const { memos } = analysisOfParticipant(session, code);
      if (memos.length > 0) write(path.join('analysis', 'memos.json'), `${JSON.stringify(memos, null, 2)}\n`, 'memos');
    },
    // Shared, but never the private ones.
    inShare: true,
  },
];
