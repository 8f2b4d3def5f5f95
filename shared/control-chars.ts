/**
 * Control characters in text that comes from outside (a supervisor's comment, a share, a
 * file): ESC starts a terminal's escape sequences (colours, moving the cursor, setting the
 * window title, in some terminals writing to the clipboard), BEL rings, CR writes over a
 * line. Text that is stored is refused if it holds one (newline and tab excepted), and
 * anything printed to a terminal shows them as \uXXXX (issue 32).
 */

/** Unicode's control characters (C0, DEL, C1) but newline and tab. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const STORED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;

/**
 * What a terminal must not get raw: the control characters above (tab and newline keep
 * their meaning) and the bidirectional embeddings, overrides and isolates, which make a
 * terminal show text in another order than it is.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SHOWN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;

/** The first control character in `text` (as U+XXXX), or null: what comment text may not hold. */
export function controlCharacterIn(text: string): string | null {
  const m = STORED.exec(text);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/**
 * `text` with every control character written as \uXXXX. Also valid inside a JSON string:
 * \uXXXX is JSON's own escape, so printed JSON keeps its meaning.
 */
export function visibleControls(text: string): string {
  return text.replace(SHOWN, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
