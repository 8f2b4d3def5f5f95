/**
 * The CLI's listings (issue 29: `code list`, `status`, `transcript list` and `share
 * open` spoke English only). In the language of the system (LANG) or of `--lang nb|en`.
 * Identifiers, store names and dates stay as they are, for scripts and for grep.
 */
export const nb = {
  'cli.code.none': 'ingen koder ennå',
  'cli.code.counts': '{segments} {segments|utdrag|utdrag} i {interviews} {interviews|intervju|intervjuer}',
  'cli.transcript.complete': 'ferdig',
  'cli.transcript.inProgress': 'under arbeid',
  'cli.transcript.chars': '{chars} tegn',
  'cli.transcript.stamps': '{stamps} {stamps|tidskode|tidskoder}',
  'cli.transcript.recording': 'opptak {id}',
  'cli.status.vault': '  hvelv {path} (format {format})',
  'cli.status.people': '  student {student}, veileder {supervisor}, Sikt {sikt}',
  'cli.status.end': '  prosjektslutt {date} ({days} {days|dag|dager}), deretter: {action}',
  'cli.status.records': '  {store}: {records} {records|post|poster}',
  'cli.status.moved': '  prosjektslutt flyttet {times} {times|gang|ganger}; se hvelv deadline show',
  'cli.share.counts': '{transcripts} {transcripts|transkripsjon|transkripsjoner} ({participants}), {codes} {codes|kode|koder}, {segments} kodede utdrag, {themes} {themes|tema|temaer}, {memos} {memos|notat|notater}',
} as const;

export const en: Record<keyof typeof nb, string> = {
  'cli.code.none': 'no codes yet',
  'cli.code.counts': '{segments} {segments|segment|segments} in {interviews} {interviews|interview|interviews}',
  'cli.transcript.complete': 'complete',
  'cli.transcript.inProgress': 'in progress',
  'cli.transcript.chars': '{chars} {chars|char|chars}',
  'cli.transcript.stamps': '{stamps} {stamps|timestamp|timestamps}',
  'cli.transcript.recording': 'recording {id}',
  'cli.status.vault': '  vault {path} (format {format})',
  'cli.status.people': '  student {student}, supervisor {supervisor}, Sikt {sikt}',
  'cli.status.end': '  project end {date} ({days} {days|day|days}), then: {action}',
  'cli.status.records': '  {store}: {records} {records|record|records}',
  'cli.status.moved': '  end date moved {times} {times|time|times}; see hvelv deadline show',
  'cli.share.counts': '{transcripts} {transcripts|transcript|transcripts} ({participants}), {codes} {codes|code|codes}, {segments} coded {segments|segment|segments}, {themes} {themes|theme|themes}, {memos} {memos|memo|memos}',
};
