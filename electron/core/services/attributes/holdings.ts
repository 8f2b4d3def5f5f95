/**
 * What the attributes hold about a participant: their values (a role, an age band, a
 * county), in the transcripts' store or, for an attribute marked identifying, in the key
 * list's, each sealed under the person's own key there. Withdrawal counts and destroys
 * them with the key; the access request gives them by name and label. Registered in
 * services/index.ts.
 */
import * as path from 'node:path';
import type { ParticipantData } from '../../vault/participant-data';
import { ATTR, Attributes } from './attributes';
import { attributeCache } from './cache';

export const ATTRIBUTE_HOLDINGS: readonly ParticipantData[] = [
  {
    kind: 'attributes',
    tables: [
      { store: 'transcripts', table: ATTR.value },
      { store: 'keylist', table: ATTR.value },
      // An exact value kept over its generalised one: counted with it, not as a value of its own.
      { store: 'keylist', table: ATTR.exact },
    ],
    count: (session, code) => {
      const values = (['transcripts', 'keylist'] as const).reduce((n, s) => n + (session.stores[s].destroyed ? 0 : (session.stores[s].countParticipant(code)[ATTR.value] ?? 0)), 0);
      if (session.stores.keylist.destroyed || session.stores.transcripts.destroyed) return values;
      // An exact value with no generalised one beside it (an older vault's: moveExactToKeyList) is a value of its own.
      const beside = attributeCache(session).rows('transcripts', ATTR.value);
      return values + [...attributeCache(session).rows('keylist', ATTR.exact)].filter(([id, r]) => r.participant === code && !beside.has(id)).length;
    },
    // Nothing decrypted of theirs stays in the session's cache (cache.ts).
    beforeDestroy: (session, code) => () => attributeCache(session).forgetParticipant(code),
    access: ({ session, code, now, write, locale }) => {
      const attrs = new Attributes(session, now);
      const byId = new Map(attrs.list().map((a) => [a.id, a]));
      const values = attrs.valuesOf(code).map((v) => {
        const a = byId.get(v.attributeId)!;
        return { attribute: a.name, label: a.labels[locale], value: v.value, exact: v.exact, identifying: a.identifying };
      });
      if (values.length > 0) write(path.join('attributes.json'), `${JSON.stringify(values, null, 2)}\n`, 'attributes');
    },
    // Shared generalised only: an identifying one or an exact value stays home (supervisor/).
    inShare: true,
  },
];
