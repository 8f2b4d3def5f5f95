/**
 * What the key list holds about a participant: who they are, their consents and the
 * evidence of them. Registered in the registry of participant data (services/index.ts).
 */
import * as path from 'node:path';
import { getForm, renderFormHtml } from '../../consent/forms';
import { T, type ConsentRecord, type EvidenceRecord, type Identity } from '../../consent/model';
import type { ParticipantData } from '../../vault/participant-data';

const count = (table: string) => (session: Parameters<ParticipantData['count']>[0], code: string) => session.stores.keylist.countParticipant(code)[table] ?? 0;

export const PARTICIPANT_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'identity',
    tables: [{ store: 'keylist', table: T.identity }],
    count: count(T.identity),
    access: ({ session, code, write }) => {
      const identity = session.stores.keylist.get<Identity>(T.identity, code)?.data;
      if (identity) write('identity.json', `${JSON.stringify({ code, ...identity }, null, 2)}\n`, 'identity');
    },
    inShare: false,
  },
  {
    kind: 'consent',
    tables: [{ store: 'keylist', table: T.consent }],
    count: count(T.consent),
    access: ({ session, code, write }) => {
      const consents = session.stores.keylist.list<ConsentRecord>(T.consent, { participant: code }).map((r) => r.data);
      consents.forEach((c, i) => {
        write(`consent-${i + 1}.json`, `${JSON.stringify(c, null, 2)}\n`, 'consent');
        const form = getForm(session.stores.keylist, c.formVersion);
        write(`consent-${i + 1}-form-v${c.formVersion}-${c.locale}.html`, renderFormHtml(form.texts[c.locale], c.locale, { version: form.version, hash: form.hashes[c.locale] }), 'form');
      });
    },
    inShare: false,
  },
  {
    kind: 'consent-evidence',
    tables: [{ store: 'keylist', table: T.evidence }],
    count: count(T.evidence),
    access: ({ session, code, write }) => {
      for (const ev of session.stores.keylist.list<EvidenceRecord>(T.evidence, { participant: code })) {
        write(path.join('evidence', safeName(ev.data.filename, ev.id)), Buffer.from(ev.data.base64, 'base64'), 'evidence');
      }
    },
    inShare: false,
  },
];

function safeName(name: string, fallback: string): string {
  const cleaned = name.replace(/[/\\:\0]/g, '_').replace(/^\.+/, '');
  return cleaned || fallback;
}
