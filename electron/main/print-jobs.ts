/**
 * Documents waiting for the print window, by a one-time token: the HTML of a letter,
 * receipt or certificate lives here in memory until app://hvelv/print/<token> is read
 * once, and never touches the disk before the user saves the PDF. No Electron.
 */
import { randomBytes } from 'node:crypto';

export class PrintJobs {
  private readonly jobs = new Map<string, string>();

  /** A new token for this document. */
  put(html: string): string {
    const token = randomBytes(16).toString('hex');
    this.jobs.set(token, html);
    return token;
  }

  /** The document, once; null for an unknown or already read token. */
  take(token: string): string | null {
    const html = this.jobs.get(token);
    if (html === undefined) return null;
    this.jobs.delete(token);
    return html;
  }

  /** Forget a document that was never read (a print window that failed to load). */
  drop(token: string): void {
    this.jobs.delete(token);
  }
}
