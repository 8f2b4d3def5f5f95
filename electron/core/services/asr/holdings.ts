/**
 * What the automatic drafts hold about a participant: nothing of their own (a draft is a
 * transcript, registered by transcripts/holdings.ts), but the draft queue's record
 * (participant null) lists recording ids. When a withdrawal has destroyed a person's
 * recordings, their ids leave the queue too. Registered in services/index.ts, in the
 * recordings' row, counting nothing more than the recordings already count.
 */
import type { ParticipantData } from '../../vault/participant-data';
import { RECORDING_TABLE } from '../recordings/recordings';
import { DraftQueue } from './queue';

export const ASR_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'recordings',
    tables: [{ store: 'recordings', table: RECORDING_TABLE }],
    count: () => 0,
    beforeDestroy: (session, _code, store, now) => {
      if (store !== 'recordings') return;
      return () => new DraftQueue(session, now).forgetMissing();
    },
    inShare: false,
  },
];
