/**
 * What the recordings hold about a participant: their recordings (sealed blobs whose keys
 * are in the records), each with its waveform and the name of the file it came from (in the
 * key list: a file name can identify). Registered in services/index.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptBlobToFile } from '../../crypto/stream';
import type { ParticipantData } from '../../vault/participant-data';
import { PEAKS_TABLE, RECORDING_TABLE, Recordings, SOURCE_TABLE } from './recordings';

export const RECORDING_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'recordings',
    tables: [
      { store: 'recordings', table: RECORDING_TABLE },
      // A recording's waveform and the name of its file are part of it, not one item more.
      { store: 'recordings', table: PEAKS_TABLE },
      { store: 'keylist', table: SOURCE_TABLE },
    ],
    count: (session, code) => session.stores.recordings.countParticipant(code)[RECORDING_TABLE] ?? 0,
    // The blobs their keys open, listed while the records are there; shredded once the
    // records (and the keys in them) are gone. Exactly theirs: not a general sweep, which
    // could catch another participant's import in progress. A crash in between leaves
    // orphans that the sweep at the next open removes.
    beforeDestroy: (session, code, store, now) => {
      if (store !== 'recordings') return;
      const recordings = new Recordings(session, now);
      // Overwritten by the withdrawal last, with progress (gigabytes take seconds).
      return { shred: recordings.blobFiles(recordings.blobsOf(code)) };
    },
    access: async ({ session, code, now, folder, wrote }) => {
      const recordings = new Recordings(session, now);
      for (const rec of recordings.list().filter((r) => r.code === code)) {
        const rel = path.join('recordings', `${rec.id}.${rec.format}`);
        fs.mkdirSync(path.join(folder, 'recordings'), { recursive: true });
        const reader = recordings.open(rec.id);
        try {
          await decryptBlobToFile(reader, path.join(folder, rel));
        } finally {
          reader.close();
        }
        wrote(rel, 'recording');
      }
    },
    // Only to a supervisor given recordings (a choice per supervisor).
    inShare: 'if-chosen',
  },
];
