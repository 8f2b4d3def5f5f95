/**
 * axe-core on the page as it is now: every screen a browser test visits is checked,
 * and a serious or critical violation fails the test with what axe says and where.
 * harness.ts's screenshot() calls it, so a screen that is saved to be looked at is also
 * one that has been checked; tests may call it directly for screens they do not save.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Impacts that fail a test; minor and moderate ones are reported in the message only when something fails. */
const FAILING = new Set(['serious', 'critical']);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** The violations axe finds on the page now (all impacts). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the app's CSP (script-src 'self')
  // does not govern; a <script> tag would be refused, as it should be.
  // Written as source text: this file compiles without the DOM's types.
  const loaded = await page.evaluate<boolean>('typeof window.axe !== "undefined"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate<AxeViolation[]>(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160) })) }));
  })()`);
}

/** Throw when the page has a serious or critical violation; `screen` names it in the message. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const bad = (await axeViolations(page)).filter((v) => v.impact && FAILING.has(v.impact));
  if (bad.length === 0) return;
  const lines = bad.map((v) => `  ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×)\n${v.nodes.slice(0, 3).map((n) => `    ${n.target.join(' ')}  ${n.html}`).join('\n')}`);
  throw new Error(`axe: ${bad.length} serious or critical violation(s) on ${screen}:\n${lines.join('\n')}`);
}
