import { describe, expect, it } from 'vitest';
import { codePointLength, foldForSearch, foldQuery, parseQuery, TextPositions, toCodePoint, toUtf16 } from '@shared/analysis-text';

describe('code points ↔ UTF-16', () => {
  // "Jeg 😀 var glad 👍🏽 på Åsgård": two emoji outside the BMP, one with a skin-tone modifier (two code points).
  const text = 'Jeg 😀 var glad 👍🏽 på Åsgård';

  it('counts an emoji as one code point and two UTF-16 units', () => {
    expect(text.length).toBe(30);
    expect(codePointLength(text)).toBe(27);
    expect(new TextPositions(text).codePoints).toBe(27);
  });

  it('converts both ways, and every code point round-trips', () => {
    const pos = new TextPositions(text);
    expect(pos.toUtf16(4)).toBe(4); // the first emoji starts where it would without pairs
    expect(pos.toUtf16(5)).toBe(6); // after it: one code point, two units
    expect(pos.toCodePoint(6)).toBe(5);
    const chars = Array.from(text);
    for (let cp = 0; cp <= chars.length; cp++) {
      const u = pos.toUtf16(cp)!;
      expect(text.slice(0, u)).toBe(chars.slice(0, cp).join(''));
      expect(pos.toCodePoint(u)).toBe(cp);
    }
    expect(toUtf16(text, 27)).toBe(30);
    expect(toCodePoint(text, 30)).toBe(27);
  });

  it('refuses a position inside a surrogate pair, out of range, or not whole', () => {
    const pos = new TextPositions(text);
    expect(pos.toCodePoint(5)).toBeNull(); // between the halves of 😀
    expect(pos.toCodePoint(31)).toBeNull();
    expect(pos.toCodePoint(-1)).toBeNull();
    expect(pos.toUtf16(28)).toBeNull();
    expect(pos.toUtf16(1.5)).toBeNull();
  });

  it('slices by code points', () => {
    const pos = new TextPositions(text);
    expect(pos.slice(4, 5)).toBe('😀');
    expect(pos.slice(15, 17)).toBe('👍🏽');
  });
});

describe('Norwegian folding for search', () => {
  it('folds å, ø, æ both ways people type them, é, and case', () => {
    expect(foldQuery('Åse')).toBe(foldQuery('aase'));
    expect(foldQuery('Åse')).toBe(foldQuery('ase'));
    expect(foldQuery('Åsgård')).toBe(foldQuery('asgard'));
    expect(foldQuery('Øystein')).toBe(foldQuery('oystein'));
    expect(foldQuery('Øystein')).toBe(foldQuery('oeystein'));
    expect(foldQuery('Ærlig')).toBe(foldQuery('aerlig'));
    expect(foldQuery('Ærlig')).toBe(foldQuery('arlig'));
    expect(foldQuery('kafé')).toBe(foldQuery('KAFE'));
  });

  it('maps folded positions back to code points of the original', () => {
    const f = foldForSearch('😀 Aase møtte  Åse');
    const at = f.text.indexOf('ase', 3);
    expect(f.text).toBe('😀 ase motte ase');
    // The second "ase" is "Åse", starting at code point 14 of the original.
    expect(f.origin[f.text.lastIndexOf('ase')]).toBe(14);
    expect(f.origin[at]).toBe(2);
    expect(f.origin[f.text.length]).toBe(17);
  });

  it('parses phrases in quotes and words', () => {
    expect(parseQuery('tillit "å bli  sett" NAV')).toEqual({ terms: ['tillit', 'nav'], phrases: ['a bli sett'] });
    expect(parseQuery('  ')).toEqual({ terms: [], phrases: [] });
  });
});
