/**
 * Documents Hvelv writes (letter and consent form, withdrawal receipt, deletion
 * certificate) as PDF, through Electron's own printer: a hidden window with no script and
 * no preload loads the self-contained HTML from memory and prints it. Thin on purpose:
 * what is printed is tested beneath (the HTML), and the browser tests print the same HTML
 * with Chromium's page.pdf.
 */
import { BrowserWindow } from 'electron';

export async function printToPdf(html: string): Promise<Uint8Array> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, spellcheck: false },
  });
  try {
    // A data: URL, not a file: the document never touches the disk before the user saves it.
    await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, margins: { top: 0.8, bottom: 0.8, left: 0.7, right: 0.7 } });
  } finally {
    win.destroy();
  }
}
