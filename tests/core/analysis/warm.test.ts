/** The analysis warmed in the background after unlock: a record per turn, stopped by a lock, nothing decrypted twice. */
import { describe, expect, it } from 'vitest';
import { unlockVault } from '../../../electron/core/vault/vault';
import { Coding } from '../../../electron/core/services/analysis/coding';
import { Search } from '../../../electron/core/services/analysis/search';
import { analysisCache } from '../../../electron/core/services/analysis/records';
import { pw } from '../helpers';
import { NOW, study } from './fixture';

async function unlockedStudy() {
  const v = await study();
  const code = v.book.add({ name: 'Tillit' });
  v.coding.apply(v.ta, { quote: 'som et helt menneske' }, [code.id]);
  v.coding.apply(v.tb, { quote: 'bygde tillit over tid' }, [code.id]);
  v.memos.add({ target: { kind: 'transcript', id: v.ta }, text: 'Notat om Ålesund-intervjuet.' });
  v.session.lock();
  const session = await unlockVault(v.dir, pw('correct horse battery staple'), v.deps);
  return { ...v, session, code };
}

describe('warming the analysis after unlock', () => {
  it('decrypts every record and builds the index a step at a time; afterwards search and retrieval decrypt nothing', async () => {
    const v = await unlockedStudy();
    const store = v.session.stores.transcripts;
    let steps = 0;
    const r = await new Search(v.session, NOW).warmInBackground(async () => void steps++);
    expect(r.completed).toBe(true);
    // Three small tables, then a step per coding, memo and transcript, then the index of the memos.
    expect(steps).toBe(3 + 2 + 1 + 2 + 1);
    const get = store.get.bind(store);
    let decrypted = 0;
    store.get = ((table: string, id: string) => (decrypted++, get(table, id))) as typeof store.get;
    expect(new Search(v.session, NOW).query('aalesund').hits.map((h) => h.kind).sort()).toEqual(['memo', 'transcript']);
    expect(new Coding(v.session, NOW).retrieve({ codeId: v.code.id })).toHaveLength(2);
    expect(decrypted).toBe(0);
    v.session.lock();
  });

  it('stops when the vault locks, leaving nothing in memory; a search before it is done finishes the rest itself', async () => {
    const v = await unlockedStudy();
    let steps = 0;
    const r = await new Search(v.session, NOW).warmInBackground(async () => {
      if (++steps === 7) {
        // The window searches while the warm-up is under way.
        expect(new Search(v.session, NOW).query('bergen').hits).toEqual([]);
        expect(new Search(v.session, NOW).query('"bygde tillit"').hits).toHaveLength(1);
        v.session.lock();
      }
    });
    expect(r.completed).toBe(false);
    expect(steps).toBe(7);
    expect(analysisCache(v.session).derived.size).toBe(0);
  });
});
