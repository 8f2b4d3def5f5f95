/**
 * Documents Hvelv writes (letter and consent form, withdrawal receipt, deletion
 * certificate) as PDF, through Electron's own printer: a hidden window with no script and
 * no preload loads the self-contained HTML from app://hvelv/print/<one-time token> (served
 * from memory by app-protocol.ts, through the same request filter as the page, which lets
 * nothing but our own origin through) and prints it. Thin on purpose: what is printed is
 * tested beneath (the HTML), and the browser tests print the same HTML with Chromium's page.pdf.
 */
import { BrowserWindow } from 'electron';
import { APP_ORIGIN, printPath } from './policy';
import type { PrintJobs } from './print-jobs';

/** Margins in inches (Electron's printToPDF), about 20 mm top and bottom, 18 mm at the sides. */
export const PDF_OPTIONS = { pageSize: 'A4', printBackground: true, margins: { top: 0.8, bottom: 0.8, left: 0.7, right: 0.7 } } as const;

export function pdfPrinter(jobs: PrintJobs): (html: string) => Promise<Uint8Array> {
  return async (html) => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, spellcheck: false },
    });
    const token = jobs.put(html);
    try {
      await win.loadURL(`${APP_ORIGIN}${printPath(token)}`);
      return await win.webContents.printToPDF(PDF_OPTIONS);
    } finally {
      jobs.drop(token);
      win.destroy();
    }
  };
}
