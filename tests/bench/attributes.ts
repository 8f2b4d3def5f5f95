/**
 * `npx tsx tests/bench/attributes.ts [A] [P]`: define A attributes and set each for P
 * participants in a test-KDF vault, then list, table and the small-group warning, then a
 * .qdpx bringing A Variables for one Case. Figures go into docs/benchmarks.md by hand; not
 * part of npm test. Before the session's cache every define, set and lookup decrypted every
 * definition again (quadratic).
 */
import { performance } from 'node:perf_hooks';
import { strToU8, zipSync } from 'fflate';
import { admit, makeVault } from '../core/helpers';
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { smallGroups } from '../../electron/core/services/attributes/groups';
import { ExchangeImport } from '../../electron/core/services/exchange/import';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';

const A = Number(process.argv[2] ?? 100);
const P = Number(process.argv[3] ?? 20);
const now = () => new Date('2026-11-27T10:00:00Z');
const { session } = await makeVault();
const codes = Array.from({ length: P }, (_, i) => admit(session, { name: `Deltaker Nummer${i}` }));
for (const c of codes) new Transcripts(session, now).create(c, 'B: hei\n');
const attrs = new Attributes(session, now);
let t = performance.now();
for (let i = 0; i < A; i++) attrs.define({ name: `v${i}`, kind: 'list', values: ['a', 'b', 'c'] });
console.log(`define ${A}: ${Math.round(performance.now() - t)} ms`);
t = performance.now();
for (let i = 0; i < A; i++) for (const [j, c] of codes.entries()) attrs.set(c, `v${i}`, 'abc'[j % 3]!);
console.log(`set ${A} × ${P} = ${A * P} values: ${Math.round(performance.now() - t)} ms`);
t = performance.now();
attrs.table();
smallGroups(session, now);
for (const c of codes) attrs.valuesOf(c);
console.log(`table, small groups, every participant's values: ${Math.round(performance.now() - t)} ms`);
session.lock();

const g = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const vars = Array.from({ length: A }, (_, i) => `<Variable guid="${g(i + 100)}" name="w${i}" typeOfVariable="Text"/>`).join('');
const vals = Array.from({ length: A }, (_, i) => `<VariableValue><VariableRef targetGUID="${g(i + 100)}"/><TextValue>x</TextValue></VariableValue>`).join('');
const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="b"><Variables>${vars}</Variables><Cases><Case guid="${g(2)}" name="c">${vals}<SourceRef targetGUID="${g(1)}"/></Case></Cases><Sources><TextSource guid="${g(1)}" name="A" plainTextPath="internal://a.txt"/></Sources></Project>`;
const bytes = zipSync({ 'project.qde': strToU8(xml), 'sources/a.txt': strToU8('B: hei\n') });
const v2 = await makeVault();
const code = admit(v2.session);
t = performance.now();
new ExchangeImport(v2.session, now).importQdpx(bytes, new Map([['A', code]]));
console.log(`import a .qdpx with ${A} Variables: ${Math.round(performance.now() - t)} ms`);
v2.session.lock();
