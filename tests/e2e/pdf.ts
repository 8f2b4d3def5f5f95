/**
 * Reading back the PDFs the app saves, with pdf.js (pdfjs-dist) rather than poppler's
 * pdftotext and pdftoppm: the text in Node (pdf.js's legacy build, made for Node), the
 * first page drawn by pdf.js in the test browser itself into a PNG to be looked at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';

const PDFJS = path.join(import.meta.dirname, '..', '..', 'node_modules', 'pdfjs-dist', 'build');

/**
 * The text of every page, in reading order, whitespace collapsed: runs are joined with a
 * space where the PDF puts a line break or a gap between them, as pdftotext does.
 */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  try {
    let text = '';
    for (let n = 1; n <= doc.numPages; n++) {
      const items = (await (await doc.getPage(n)).getTextContent()).items.filter((i: TextItem | TextMarkedContent): i is TextItem => 'str' in i);
      items.forEach((item, k) => {
        const prev = items[k - 1];
        const apart = prev && (prev.hasEOL || prev.transform[5] !== item.transform[5] || item.transform[4] - (prev.transform[4] + prev.width) > 1);
        text += (apart ? ' ' : '') + item.str;
      });
      text += '\n';
    }
    return text.replace(/\s+/g, ' ');
  } finally {
    await doc.destroy();
  }
}

/**
 * The first page drawn by pdf.js in a page of `browser`, saved as a PNG of `scale` times
 * 72 dpi. pdf.js and the PDF are served to the page from a made-up origin by Playwright,
 * so nothing is fetched from the network. Returns the page's size in PDF points.
 */
export async function renderFirstPage(browser: Browser, bytes: Uint8Array, png: string, scale = 60 / 72): Promise<{ width: number; height: number }> {
  const page = await browser.newPage();
  try {
    const origin = 'http://pdf.test';
    const files: Record<string, { body: Buffer | string; type: string }> = {
      '/': {
        type: 'text/html',
        body: `<!doctype html><body style="margin:0"><canvas></canvas><script type="module">
import * as pdfjs from '/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
try {
  const doc = await pdfjs.getDocument({ url: '/document.pdf', isEvalSupported: false }).promise;
  const first = await doc.getPage(1);
  const viewport = first.getViewport({ scale: ${scale} });
  const canvas = document.querySelector('canvas');
  canvas.width = Math.ceil(viewport.width);
  canvas.height = Math.ceil(viewport.height);
  await first.render({ canvas, viewport }).promise;
  const size = first.getViewport({ scale: 1 });
  document.body.dataset.drawn = JSON.stringify({ width: size.width, height: size.height });
} catch (e) {
  document.body.dataset.drawn = JSON.stringify({ error: String(e) });
}
</script></body>`,
      },
      '/pdf.mjs': { type: 'text/javascript', body: fs.readFileSync(path.join(PDFJS, 'pdf.mjs')) },
      '/pdf.worker.mjs': { type: 'text/javascript', body: fs.readFileSync(path.join(PDFJS, 'pdf.worker.mjs')) },
      '/document.pdf': { type: 'application/pdf', body: Buffer.from(bytes) },
    };
    await page.route(`${origin}/**`, (route) => {
      const file = files[new URL(route.request().url()).pathname];
      return file ? route.fulfill({ status: 200, contentType: file.type, body: file.body }) : route.fulfill({ status: 404 });
    });
    await page.goto(`${origin}/`);
    const body = page.locator('body[data-drawn]');
    await body.waitFor({ state: 'attached', timeout: 30_000 });
    const drawn = JSON.parse((await body.getAttribute('data-drawn'))!) as { width: number; height: number; error?: string };
    if (drawn.error) throw new Error(`pdf.js could not draw the PDF: ${drawn.error}`);
    fs.mkdirSync(path.dirname(png), { recursive: true });
    await page.locator('canvas').screenshot({ path: png });
    return { width: drawn.width, height: drawn.height };
  } finally {
    await page.close();
  }
}
