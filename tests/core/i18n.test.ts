/**
 * The catalogue's templates: every one of both locales parses, nb and en ask for the
 * same parameters, and a count is written in its own form ("1 notat", "2 notater",
 * "0 notater"; "1 hit", "2 hits"), so no screen, CLI line or document miscounts.
 */
import { describe, expect, it, vi } from 'vitest';
import { CATALOGUES, LOCALES, formatTemplate, templateParams, translate, type MessageKey } from '@shared/i18n/catalogue';

const KEYS = Object.keys(CATALOGUES.nb) as MessageKey[];

/** Parameters for a template: the plural ones as the number n, the rest as a word. */
function paramsFor(key: MessageKey, n: number): Record<string, string | number> {
  const { names, plurals } = templateParams(CATALOGUES.nb[key]);
  return Object.fromEntries([...names].map((p) => [p, plurals.has(p) ? n : `‹${p}›`]));
}

describe('the catalogue templates', () => {
  it('every template of both locales parses', () => {
    const bad: string[] = [];
    for (const locale of LOCALES) {
      for (const key of KEYS) {
        try {
          templateParams(CATALOGUES[locale][key]);
        } catch (e) {
          bad.push(`${locale} ${key}: ${(e as Error).message}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('nb and en ask for the same parameters', () => {
    const differ: string[] = [];
    for (const key of KEYS) {
      const nb = templateParams(CATALOGUES.nb[key]);
      const en = templateParams(CATALOGUES.en[key]);
      // A plural on one side only is fine (Norwegian "tegn", "utdrag" and "treff" are the
      // same for 1 and 2, English "character(s)" is not): the caller passes one set of
      // parameters for both, so what matters is that both name the same ones.
      const names = (a: Set<string>) => [...a].sort().join(', ');
      if (names(nb.names) !== names(en.names)) differ.push(`${key}: nb {${names(nb.names)}} en {${names(en.names)}}`);
    }
    expect(differ).toEqual([]);
  });

  it('every counting template fills with 0, 1 and 2 in both locales, leaving no brace', () => {
    const counting = KEYS.filter((k) => templateParams(CATALOGUES.nb[k]).plurals.size + templateParams(CATALOGUES.en[k]).plurals.size > 0);
    // Counts are in every feature's strings; far fewer would mean the syntax went missing.
    expect(counting.length).toBeGreaterThan(40);
    for (const locale of LOCALES) {
      for (const key of counting) {
        const params = { ...paramsFor(key, 1), ...Object.fromEntries([...templateParams(CATALOGUES.en[key]).plurals].map((p) => [p, 1])) };
        for (const n of [0, 1, 2]) {
          const filled = translate(locale, key, Object.fromEntries(Object.entries(params).map(([p, v]) => [p, typeof v === 'number' ? n : v])));
          expect(filled, `${locale} ${key} ${n}`).not.toMatch(/[{}|]/);
        }
      }
    }
  });

  it('a template that is not one is named: an unclosed brace, one form, three forms, a plural for a number never written', () => {
    expect(() => templateParams('{count} notat{')).toThrow(/not a placeholder/);
    expect(() => templateParams('{count} {count|notat}')).toThrow(/not a placeholder/);
    expect(() => templateParams('{count} {count|notat|notater|notatene}')).toThrow(/not a placeholder/);
    expect(() => templateParams('{count} {cuont|notat|notater}')).toThrow(/never writes as \{cuont\}/);
    expect(templateParams('{count} {count|notat|notater} om {code}')).toEqual({ names: new Set(['count', 'code']), plurals: new Set(['count']) });
  });
});

describe('translate() with counts', () => {
  it('takes the one form for 1 and the other form for 0, 2 and more, in both locales', () => {
    const tpl = '{count} {count|notat|notater}';
    expect([0, 1, 2, 21, 1000].map((count) => formatTemplate('nb', tpl, { count }))).toEqual(['0 notater', '1 notat', '2 notater', '21 notater', '1000 notater']);
    expect([0, 1, 2].map((count) => formatTemplate('en', '{count} {count|memo|memos}', { count }))).toEqual(['0 memos', '1 memo', '2 memos']);
    // The forms may be phrases, and sit anywhere in the sentence.
    expect(formatTemplate('en', '{n} {n|comment was|comments were} dropped', { n: 1 })).toBe('1 comment was dropped');
    expect(formatTemplate('en', '{n} {n|comment was|comments were} dropped', { n: 3 })).toBe('3 comments were dropped');
    expect(formatTemplate('nb', 'Fant {n} {n|funn|funn}.', { n: 1 })).toBe('Fant 1 funn.');
  });

  it('says so when a count is not a number or is missing, and writes the other form instead of breaking the screen', () => {
    const said: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void said.push(m));
    try {
      expect(formatTemplate('nb', '{count} {count|notat|notater}', { count: '1' })).toBe('1 notater');
      expect(formatTemplate('nb', '{count} {count|notat|notater}', {})).toBe('{count} notater');
      expect(formatTemplate('en', '{count} {count|memo|memos}', { count: Number.NaN })).toBe('NaN memos');
    } finally {
      spy.mockRestore();
    }
    expect(said).toEqual([expect.stringMatching(/needs a number, got "1"/), expect.stringMatching(/needs a number, got nothing/), expect.stringMatching(/needs a number, got null/)]);
    // A plain placeholder still takes a string, and one not given stays visible.
    expect(formatTemplate('nb', 'Steg {n} av {total}', { n: '2' })).toBe('Steg 2 av {total}');
  });

  it('writes the real keys with Norwegian adjectives agreeing: kodet/kodede, mulig/mulige, uløst/uløste', () => {
    expect(translate('nb', 'screens.rec.coded', { count: 1 })).toBe('1 kodet utdrag');
    expect(translate('nb', 'screens.rec.coded', { count: 2 })).toBe('2 kodede utdrag');
    expect(translate('en', 'screens.rec.coded', { count: 1 })).toBe('1 coded segment');
    expect(translate('en', 'screens.rec.coded', { count: 2 })).toBe('2 coded segments');
    expect(translate('nb', 'deid.badge', { count: 1 })).toBe('1 mulig kjennetegn');
    expect(translate('nb', 'deid.badge', { count: 3 })).toBe('3 mulige kjennetegn');
    expect(translate('nb', 'deid.afterKeyList', { count: 1, date: '2031-05-30' })).toBe(
      'Hadde 1 uløst identifiserende opplysning da navnelisten ble slettet (sist sjekket med navnelisten 2031-05-30).',
    );
    expect(translate('en', 'deid.afterKeyList', { count: 2, date: '2031-05-30' })).toBe(
      'Had 2 unresolved identifying details when the key list was deleted (last checked with the key list on 2031-05-30).',
    );
    expect(translate('nb', 'count.participants', { count: 1 })).toBe('1 deltaker');
    expect(translate('nb', 'count.participants', { count: 0 })).toBe('0 deltakere');
    expect(translate('nb', 'count.recordings', { count: 1 })).toBe('1 opptak');
    expect(translate('en', 'count.recordings', { count: 1 })).toBe('1 recording');
    expect(translate('en', 'count.recordings', { count: 4 })).toBe('4 recordings');
    expect(translate('nb', 'analysis.search.count', { count: 1 })).toBe('1 treff');
    expect(translate('en', 'analysis.search.count', { count: 1 })).toBe('1 hit');
    expect(translate('en', 'analysis.search.count', { count: 0 })).toBe('0 hits');
    expect(translate('nb', 'dashboard.daysLeft', { days: 1, date: '30. mai 2031' })).toBe('1 dag til prosjektslutt (30. mai 2031)');
    expect(translate('nb', 'dashboard.daysLeft', { days: 12, date: '30. mai 2031' })).toBe('12 dager til prosjektslutt (30. mai 2031)');
  });

  it('writes a summary with several counts, each in its own form', () => {
    const ones = { transcripts: 1, codes: 1, segments: 1, themes: 1, memos: 1, recordings: 1 };
    expect(translate('nb', 'exchange.summary', ones)).toBe('Eksporteres: 1 transkripsjon, 1 kode, 1 kodet utdrag, 1 tema (som sett), 1 notat, 1 lydopptak.');
    expect(translate('nb', 'exchange.summary', { ...ones, codes: 2, themes: 2, memos: 0, recordings: 2 })).toBe(
      'Eksporteres: 1 transkripsjon, 2 koder, 1 kodet utdrag, 2 temaer (som sett), 0 notater, 2 lydopptak.',
    );
    expect(translate('en', 'exchange.summary', ones)).toBe('To be exported: 1 transcript, 1 code, 1 coded segment, 1 theme (as sets), 1 memo, 1 recording.');
    expect(translate('nb', 'sup.home.counts', { transcripts: 2, codes: 1, segments: 2, themes: 1, memos: 2 })).toBe('2 transkripsjoner, 1 kode, 2 kodede utdrag, 1 tema, 2 memoer.');
    expect(translate('nb', 'exchange.findingsIntro', { count: 1 })).toBe(
      'Kontrollen fant 1 mulig identifiserende opplysning. Erstatt den i transkripsjonen, koden eller notatet, eller godta den her.',
    );
    expect(translate('nb', 'exchange.findingsIntro', { count: 2 })).toMatch(/^Kontrollen fant 2 mulige identifiserende opplysninger\. Erstatt dem/);
  });
});
