#!/usr/bin/env node
/**
 * Builds the word lists in resources/wordlists/ that the de-identification check reads
 * (electron/core/services/deidentify/lexicon.ts). Run by hand when a source changes; the
 * app and the tests read only the files this writes, never the network.
 *
 * Sources (see resources/wordlists/README.md for each licence):
 *   /usr/share/dict/bokmaal, /usr/share/dict/nynorsk  Debian `wnorwegian` (GPL-2.0-or-later)
 *   /usr/share/dict/british-english                  Debian `wbritish` (SCOWL, permissive)
 *   norway-postal-codes (npm, MIT): `npm pack norway-postal-codes` into a temporary folder
 *     and pass its converted/postal-codes-simple.js as the first argument.
 *
 *   node scripts/make-wordlists.mjs /tmp/x/package/converted/postal-codes-simple.js
 */
import { Buffer } from 'node:buffer';
import * as fs from 'node:fs';
import { TextDecoder } from 'node:util';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'resources', 'wordlists');
const latin1 = (f) => new TextDecoder('latin1').decode(fs.readFileSync(f)).split('\n').map((l) => l.trim().normalize('NFC')).filter(Boolean);
const sorted = (xs) => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const bytesSorted = (xs) => [...new Set(xs)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

const norwegian = [...latin1('/usr/share/dict/bokmaal'), ...latin1('/usr/share/dict/nynorsk')];
// Ordinary words: entries with no capital letter. Sorted by UTF-8 bytes, as the lookup searches them.
const ordinary = bytesSorted(norwegian.filter((w) => w === w.toLowerCase()));
fs.writeFileSync(path.join(out, 'ordinary-no.txt'), ordinary.join('\n') + '\n');
// Proper nouns the dictionary knows (given names, surnames, places, with the genitive):
// capitalised, not an abbreviation ("NAV", "A-aksje").
const proper = sorted(norwegian.filter((w) => /^\p{Lu}\p{Ll}/u.test(w) && !w.includes('-')));
fs.writeFileSync(path.join(out, 'proper-no.txt'), proper.join('\n') + '\n');
const english = bytesSorted(latin1('/usr/share/dict/british-english').filter((w) => w === w.toLowerCase() && !w.includes("'")));
fs.writeFileSync(path.join(out, 'ordinary-en.txt'), english.join('\n') + '\n');

const postal = createRequire(import.meta.url)(path.resolve(process.argv[2]));
// "MO I RANA" → "Mo i Rana": small words stay small, as the places are written.
const SMALL = new Set(['i', 'på', 'og', 'ved', 'under']);
const title = (s) => s.toLowerCase().split(' ').map((w, i) => (i > 0 && SMALL.has(w) ? w : w.replace(/(^|-)(\p{L})/gu, (_, a, c) => a + c.toUpperCase()))).join(' ');
const places = sorted(Object.values(postal).map(title).map((p) => p.replace(/ [NSØV]$/u, '')));
fs.writeFileSync(path.join(out, 'postal-places.txt'), places.join('\n') + '\n');
console.log({ ordinary: ordinary.length, proper: proper.length, english: english.length, places: places.length });
