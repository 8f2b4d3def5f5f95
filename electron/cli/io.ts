/** The CLI's view of the outside world, so tests can run it in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  isTty: boolean;
  promptHidden(question: string): Promise<string>;
  now(): Date;
}

export class UsageError extends Error {}

/**
 * The word for a count in the CLI's English-only lines (listings and summaries not in
 * the catalogue): "1 segment", "2 segments", "0 segments". The catalogue's messages
 * write theirs as {n|one|other}.
 */
export function noun(n: number, one: string, other: string): string {
  return n === 1 ? one : other;
}

export function count(n: number, one: string, other: string): string {
  return `${n} ${noun(n, one, other)}`;
}

/** Read a line from the terminal without echoing it. */
export function promptHiddenTty(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value = '';
    const wasRaw = stdin.isRaw;
    // Echo off before the prompt appears: anything typed after seeing it stays hidden.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error): void => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function nodeIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    isTty: Boolean(process.stdin.isTTY),
    promptHidden: promptHiddenTty,
    now: () => new Date(),
  };
}
