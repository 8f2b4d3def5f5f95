/**
 * A filter by a band finds every participant in it: also one whose exact value the student
 * insisted on (the attack review: `alder=50-59` left out the participant kept as "52", so
 * the view and its small-group warning counted one person too few).
 */
import { describe, expect, it } from 'vitest';
import { filterWarning } from '../../electron/core/services/attributes/groups';
import { ATTR_NOW, twoParticipants } from './attributes-fixture';

describe('a filter by a band', () => {
  it('keeps a participant held as an exact value in that band, and one held as the band', async () => {
    const { session, p1, p2, attrs } = await twoParticipants();
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.set(p1, 'alder', '52', { exact: true });
    attrs.set(p2, 'alder', '55');
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '52', exact: true })]);
    expect(attrs.valuesOf(p2)).toEqual([expect.objectContaining({ value: '50-59' })]);
    expect([...attrs.matching([{ name: 'alder', value: '50-59' }])].sort()).toEqual([p1, p2].sort());
    // The exact value itself still finds its holder, and no one else.
    expect([...attrs.matching([{ name: 'alder', value: '52' }])]).toEqual([p1]);
    expect(filterWarning(session, ATTR_NOW, [{ name: 'alder', value: '50-59' }]).participants).toHaveLength(2);
  });
});
