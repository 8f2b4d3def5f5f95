/**
 * Automatic drafts at work (issue 26): machine text marked until checked, the queue of
 * drafts, and the speech-model manager.
 */
export const nb = {
  'mt.count': '{checked} av {total} avsnitt kontrollert mot opptaket',
  'mt.heading': 'Maskintekst',
  'mt.hint': 'Tekst i grått er skrevet av talegjenkjenningen og ikke kontrollert ennå. Et avsnitt regnes som kontrollert når du har spilt det av til ende eller rettet det.',
  'mt.allChecked': 'Alle avsnittene er kontrollert mot opptaket.',
  'mt.note': 'Inneholder maskintekst som ikke er kontrollert mot opptaket ({checked} av {total} avsnitt kontrollert).',
  'mt.quoteMark': '(maskintekst, ikke kontrollert)',
  'mt.reportNote': 'Sitater merket «maskintekst, ikke kontrollert» er fra automatiske utkast og er ikke kontrollert mot opptaket.',
  'asrq.running': '{code}: {percent} %, omtrent {left} igjen',
  'asrq.failed': '{code}: ikke laget ({error})',
  'asrq.summary': '{done} av {total} opptak i køen har fått et utkast',
} as const;

export const en: Record<keyof typeof nb, string> = {
  'mt.count': '{checked} of {total} passages checked against the recording',
  'mt.heading': 'Machine text',
  'mt.hint': 'Text in grey was written by speech recognition and is not checked yet. A passage counts as checked once you have played it to its end or edited it.',
  'mt.allChecked': 'Every passage is checked against the recording.',
  'mt.note': 'Contains machine text not checked against the recording ({checked} of {total} passages checked).',
  'mt.quoteMark': '(machine text, not checked)',
  'mt.reportNote': 'Quotes marked "machine text, not checked" come from automatic drafts and have not been checked against the recording.',
  'asrq.running': '{code}: {percent} %, about {left} left',
  'asrq.failed': '{code}: not made ({error})',
  'asrq.summary': '{done} of {total} recordings in the queue have a draft',
};
