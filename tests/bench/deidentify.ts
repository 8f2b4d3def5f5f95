/**
 * De-identification beyond the key list: recall and precision per kind on the annotated
 * corpus (tests/fixtures/deid-corpus.ts), the misses that remain, and the time to check
 * a 75-minute interview. Part of `npm run bench` (run.ts); run alone with
 * `npx tsx tests/bench/deidentify.ts`, which rewrites only this section of docs/benchmarks.md.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findIdentifiers, knownDetails } from '../../electron/core/services/deidentify/deidentify';
import { lexicon } from '../../electron/core/services/deidentify/lexicon';
import { buildCorpus, FILLERS, score } from '../fixtures/deid-corpus';
import { collector, writeSections } from './doc';

export const SECTION = '## De-identification beyond the key list';

export function deidBench(log: (s: string) => void, date: string): void {
  const t0 = performance.now();
  lexicon();
  const loadMs = performance.now() - t0;
  const L = lexicon();
  const known = {
    given: FILLERS.given.filter((g) => L.given(g)).length / FILLERS.given.length,
    surnames: FILLERS.surnames.filter((g) => L.surname(g)).length / FILLERS.surnames.length,
    places: FILLERS.places.filter((g) => L.place(g) || L.placePhrases(g.split(' ')[0]!).includes(g)).length / FILLERS.places.length,
  };
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  log('');
  log(`${SECTION} (${date})`);
  log('');
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average when measured ${os.loadavg()[0]!.toFixed(1)} (the machine is shared, so times vary).`);
  log('');
  log('The annotated corpus (tests/fixtures/deid-corpus.ts): invented interview turns from templates filled with a seeded generator. "Tuned" are the turns the check was developed against; "held-out" turns and their fillers were written afterwards and the check was not changed for them. No key list: these kinds need none (after the end date there is none).');
  log(`Of the fillers, the app's word lists know ${pct(known.given)} of the given names, ${pct(known.surnames)} of the surnames and ${pct(known.places)} of the places: the rest must be found by shape and position.`);
  log('');
  log('A marked identifier counts as found when a finding of its kind overlaps it; a finding is correct when it overlaps a marked identifier of its kind. "Any kind" counts an identifier found under another kind (a surname taken for a place is still replaced, only with the wrong label). "Narrowing" joins age, date and rare traits.');
  log('');
  log('| corpus | kind | marked | recall | recall, any kind | precision | findings |');
  log('| --- | --- | --- | --- | --- | --- | --- |');
  const misses: string[] = [];
  for (const part of ['tuned', 'held-out'] as const) {
    const corpus = buildCorpus(330, 16, part);
    const findings = findIdentifiers(corpus.text);
    const s = score(corpus, findings);
    for (const k of ['name', 'place', 'workplace', 'age', 'date', 'unique', 'narrowing']) {
      const x = s[k]!;
      const marks = corpus.marks.filter((m) => (k === 'narrowing' ? ['age', 'date', 'unique'].includes(m.kind) : m.kind === k));
      const anyKind = marks.filter((m) => findings.some((f) => f.start < m.end && m.start < f.end)).length / Math.max(1, marks.length);
      log(`| ${part} | ${k} | ${x.marked} | ${pct(x.recall)} | ${pct(anyKind)} | ${pct(x.precision)} | ${x.flagged} |`);
      // A few of each, without the timestamps (the same template recurs with other fillers).
      const few = (xs: string[]) => [...new Set(xs.map((t) => t.replace(/#?[\d:]+-\d# /gu, '')))].slice(0, 6);
      if (k !== 'narrowing') for (const m of few(x.misses)) misses.push(`${part}, ${k} missed: ${m}`);
      if (k !== 'narrowing') for (const m of few(x.falseAlarms)) misses.push(`${part}, ${k} wrongly: ${m}`);
    }
    log(`| ${part} | capitalised ordinary words flagged | ${s.ordMarked} | | | ${s.ordFlagged} flagged | |`);
  }
  log('');
  log('Goals (issue 16): recall of names and places at least 95 %, precision at least 70 %. A test (tests/core/deidentify-details.test.ts) holds the floor of these on both corpora.');
  log('');
  log('<details><summary>The misses and false alarms that remain (up to six of each kind)</summary>');
  log('');
  for (const m of misses) log(`- ${m.replace(/\|/gu, '\\|')}`);
  log('');
  log('</details>');
  log('');
  log('Why these remain (seen in the lists above; the held-out ones were not tuned away):');
  log('');
  log('- A surname that is also a postal place ("Kolnes", "Eknes", "Varhaug", "Birkeland", "Time") with no preposition before it is taken for a place: it is found and replaced, with [sted] instead of [navn] (the "any kind" column). After "på" and "til" ("hørte på Lund") the check cannot tell a person from a farm name either.');
  log('- A name that is also an ordinary word ("Emir", "Vetle", "Erle", "Bø", "Kvia") at the start of a sentence is taken for a name only when one of a few verbs follows ("sa", "var", "kom" ...; not "ble", "kjørte"), since a bare noun seldom starts a Norwegian sentence but the list of verbs is short.');
  log('- A definite noun the dictionary lacks ("Førstelinja") at the start of a sentence is taken for an unknown name (low confidence); this is most of the held-out ordinary words flagged.');
  log('- "I Kalhammaren fant vi": a capital "I" starting a sentence is not read as the preposition, so the place after it is taken for a name.');
  log('- Ages are found only in the phrasings the patterns know ("52 år gammel", "femtito år gammel", "fylte 52", "er 52 år", "født i 1964", "ble 41 i vår"). The last was a held-out miss, fixed in the second round of attacks (docs/hardening.md): since then the held-out narrowing figure is no longer blind. Narrowing facts are listed unticked in any case: the student reads and decides.');

  // Speed: a 75-minute interview of realistic turns (the held-out corpus, 60 000
  // characters), with six participants in the key list; and the word lists' first load.
  const text = buildCorpus(330, 16, 'held-out').text.slice(0, 60_000);
  const people = knownDetails(Array.from({ length: 6 }, (_, i) => ({ name: `Kari${i} Nordmann${i}`, email: `kari${i}@example.no`, phone: `9${i}2 34 56${i}`, workplace: `NAV Sted${i}` })));
  // Wall-clock time, and the CPU time the process spent (which other work on a shared
  // machine does not lengthen: with more runnable processes than cores, wall-clock time
  // includes the waits for a core).
  const times: number[] = [];
  const cpu: number[] = [];
  let found = 0;
  for (let i = 0; i < 31; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    found = findIdentifiers(text, people).length;
    times.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  log('');
  log('| speed | figure |');
  log('| --- | --- |');
  log(`| a 75-minute interview (60 000 characters of interview turns, six participants in the key list), median of 31 | ${times[15]!.toFixed(1)} ms (fastest ${times[0]!.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms), ${found} findings |`);
  log(`| the same, CPU time of the process (median of 31; includes garbage collection) | ${cpu[15]!.toFixed(1)} ms |`);
  log(`| loading the word lists, once per process (1.3 million Norwegian word forms, searched in place) | ${loadMs.toFixed(0)} ms |`);
  log('');
  log('Goal (issue 16): under 50 ms for a 75-minute interview.');
}

// Alone: replace this section of docs/benchmarks.md, leave the others as they are.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { log, lines } = collector();
  deidBench(log, new Date().toISOString().slice(0, 10));
  writeSections(lines);
}
