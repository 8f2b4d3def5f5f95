/**
 * `npx tsx tests/bench/exchange.ts [N]`: REFI-QDA import and export of one transcript
 * with N coded selections (20 codes) into a test-KDF vault. Figures go into
 * docs/benchmarks.md by hand; not part of npm test.
 */
import { performance } from 'node:perf_hooks';
import { strToU8, zipSync } from 'fflate';
import { admit, makeVault } from '../core/helpers';
import { ExchangeImport } from '../../electron/core/services/exchange/import';
import { Exchange } from '../../electron/core/services/exchange/export';
import * as path from 'node:path';
import * as os from 'node:os';
import * as fs from 'node:fs';

const N = Number(process.argv[2] ?? 1000);
const line = 'B: Jeg ble møtt med tillit 🙂 av sjefen min, og det betydde mye for meg.\n';
const text = line.repeat(N);
const len = Array.from(line).length;
const g = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const sels = Array.from({ length: N }, (_, i) => `<PlainTextSelection guid="${g(10 + i)}" startPosition="${i * len + 3}" endPosition="${i * len + 20}"><Coding guid="${g(100000 + i)}"><CodeRef targetGUID="${g(i % 20 + 1)}"/></Coding></PlainTextSelection>`).join('');
const codes = Array.from({ length: 20 }, (_, i) => `<Code guid="${g(i + 1)}" name="Kode ${i}" isCodable="true"/>`).join('');
const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="b"><CodeBook><Codes>${codes}</Codes></CodeBook><Sources><TextSource guid="${g(9)}" name="A" plainTextPath="internal://a.txt">${sels}</TextSource></Sources></Project>`;
const bytes = zipSync({ 'project.qde': strToU8(xml), 'sources/a.txt': strToU8(text) });
const { session } = await makeVault();
const code = admit(session);
const now = () => new Date('2026-11-27T10:00:00Z');
let t = performance.now();
new ExchangeImport(session, now).importQdpx(bytes, new Map([['A', code]]));
console.log(`import ${N} selections: ${Math.round(performance.now() - t)} ms`);
const ex = new Exchange(session, now);
t = performance.now();
const accepted = ex.plan('qdpx').findings.map((f) => f.id);
ex.exportQdpx(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xb-')), 'x.qdpx'), { accepted });
console.log(`export ${N} segments: ${Math.round(performance.now() - t)} ms`);
session.lock();
