/**
 * What the transcripts hold about a participant: their transcripts. Registered in
 * services/index.ts. Before they go, the project's "not identifying" choices forget every
 * term that names the person (their name or part of it, e-mail, phone, workplace): such a
 * term is about them, and if the word turns up again the check lists it again.
 */
import * as path from 'node:path';
import { T, type Identity } from '../../consent/model';
import type { ParticipantData } from '../../vault/participant-data';
import { TRANSCRIPT_TABLE, Transcripts, type TranscriptRecord } from './transcripts';
import { DEID_PENDING_TABLE, type PendingRecord } from './records';

export const TRANSCRIPT_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'transcripts',
    tables: [
      { store: 'transcripts', table: TRANSCRIPT_TABLE },
      // The words replaced in them and not yet accepted: part of the transcripts, kept in the key list.
      { store: 'keylist', table: DEID_PENDING_TABLE },
    ],
    count: (session, code) => session.stores.transcripts.countParticipant(code)[TRANSCRIPT_TABLE] ?? 0,
    beforeDestroy: (session, code, store, now) => {
      if (store !== 'transcripts' || session.stores.transcripts.destroyed) return;
      // The key list still says who they are: it is destroyed last.
      const identity = session.stores.keylist.get<Identity>(T.identity, code)?.data;
      if (identity) new Transcripts(session, now).forgetChoicesAbout(identity);
    },
    access: ({ session, code, write }) => {
      for (const rec of session.stores.transcripts.list<TranscriptRecord>(TRANSCRIPT_TABLE, { participant: code })) {
        write(path.join('transcripts', `${TRANSCRIPT_TABLE}-${rec.id}.txt`), rec.data.text, 'transcript');
      }
      // Words replaced by a placeholder and not yet accepted: still held, so shown (was → placeholder).
      if (session.stores.keylist.destroyed) return;
      for (const rec of session.stores.keylist.list<PendingRecord>(DEID_PENDING_TABLE, { participant: code })) {
        const lines = rec.data.replacements.flatMap((p) => p.items.map((x) => `${p.at}\t${x.was}\t→\t${x.with}`));
        write(path.join('transcripts', `${TRANSCRIPT_TABLE}-${rec.id}-replaced.txt`), `${lines.join('\n')}\n`, 'transcript');
      }
    },
    inShare: true,
  },
];
