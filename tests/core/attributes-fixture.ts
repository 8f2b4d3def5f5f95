/** Two participants with a transcript each and the attributes service: the start of the attribute tests. */
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, makeVault } from './helpers';

export const ATTR_NOW = () => new Date('2026-11-27T10:00:00Z');

export async function twoParticipants() {
  const { session } = await makeVault();
  const p1 = admit(session, { name: 'Kari Nordmann' });
  const p2 = admit(session, { name: 'Ola Hansen' });
  const tr = new Transcripts(session, ATTR_NOW);
  tr.create(p1, 'I: Hvordan gikk det?\nB: Det gikk fint på jobben.\n');
  tr.create(p2, 'I: Fortell.\nB: Jobben ga struktur.\n');
  return { session, p1, p2, attrs: new Attributes(session, ATTR_NOW) };
}
