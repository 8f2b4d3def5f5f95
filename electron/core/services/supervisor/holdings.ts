/**
 * What the student's side of supervision holds about a participant: a supervisor's
 * comments on the passages of their interviews, with the student's replies. Counted in the
 * receipt's row for the analysis about them. Registered in services/index.ts.
 */
import * as path from 'node:path';
import type { ParticipantData } from '../../vault/participant-data';
import { FEEDBACK_TABLE, feedbackForAccess, type FeedbackRecord } from './student';

export const SUPERVISOR_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'analysis',
    tables: [{ store: 'transcripts', table: FEEDBACK_TABLE }],
    count: (session, code) => session.stores.transcripts.countParticipant(code)[FEEDBACK_TABLE] ?? 0,
    access: ({ session, code, write }) => {
      for (const rec of session.stores.transcripts.list<FeedbackRecord>(FEEDBACK_TABLE, { participant: code })) {
        write(path.join('analysis', `${FEEDBACK_TABLE}-${rec.id}.txt`), feedbackForAccess(rec.data), 'analysis');
      }
    },
    // The supervisor wrote them; they are not sent back in a share.
    inShare: false,
  },
];
