/**
 * Strings of the hardening work (issue 14): what bad input is told, in both languages.
 * Error texts for the codes added then live here, beside the warnings.
 */
export const nb = {
  'error.FILE_NOT_REGULAR': 'Det er ikke en vanlig fil (men for eksempel en mappe, et rør eller en enhet). Velg selve filen. Ingenting ble lagret.',
  'error.DOCUMENT_DAMAGED': 'Dokumentet er skadet eller er ikke det filtypen sier. Ingenting ble lagret.',
  'error.DOCUMENT_ENCRYPTED': 'Dokumentet er beskyttet med passord (eller er i Words gamle .doc-format). Åpne det i Word, fjern passordet og lagre det som .docx, og prøv igjen. Ingenting ble lagret.',
  'error.CONSENT_DATE_IMPLAUSIBLE': 'Samtykkedatoen kan ikke stemme: den er i fremtiden, etter prosjektslutt eller mer enn ti år før prosjektslutt.',
  'hardening.untimedCues': 'Replikker uten brukbar tid: {n}. Teksten deres er med, uten tidsstempel.',
  'hardening.recordedAfterwards': 'Registrert i ettertid ({date})',
  'hardening.clockDamaged': 'clock.json kan ikke leses og ble ikke brukt; den signerte tiden i hodet gjelder fortsatt.',
  'hardening.clockAhead': 'clock.json sier at en tid senere enn nå er sett: slettingen ved prosjektslutt ville kommet for tidlig.',
  'hardening.docxLeftOut': 'Ikke importert fra .docx-filen (bare selve brødteksten er med): fotnoter {footnotes}, sluttnoter {endnotes}, kommentarer {comments}, topptekster {headers}, bunntekster {footers}. Skal noe av det være med, flytt det inn i brødteksten og importer på nytt.',
  'hardening.exportCheckTitle': 'Før transkripsjonen forlater Hvelv',
  'hardening.exportCheckIntro': 'Filen blir lagret utenfor hvelvet, der Hvelv ikke lenger kan beskytte den. Det som kan identifisere noen, erstatter du under «Identifiserende opplysninger» på denne siden.',
  'hardening.exportCheckWrite': 'Eksporter som {format} …',
} as const;

export const en: Record<keyof typeof nb, string> = {
  'error.FILE_NOT_REGULAR': 'That is not an ordinary file (but, for example, a folder, a pipe or a device). Choose the file itself. Nothing was stored.',
  'error.DOCUMENT_DAMAGED': 'The document is damaged or is not what its file type says. Nothing was stored.',
  'error.DOCUMENT_ENCRYPTED': 'The document is protected with a password (or is in Word\'s old .doc format). Open it in Word, remove the password, save it as .docx and try again. Nothing was stored.',
  'error.CONSENT_DATE_IMPLAUSIBLE': 'The consent date cannot be right: it is in the future, after the project end, or more than ten years before the project end.',
  'hardening.untimedCues': 'Cues without a usable time: {n}. Their text is there, without a timestamp.',
  'hardening.recordedAfterwards': 'Recorded afterwards ({date})',
  'hardening.clockDamaged': 'clock.json cannot be read and was not used; the signed time in the header still holds.',
  'hardening.clockAhead': 'clock.json says a time later than now has been seen: deletion at the project end would come early.',
  'hardening.docxLeftOut': 'Not imported from the .docx file (only its body text is): footnotes {footnotes}, endnotes {endnotes}, comments {comments}, headers {headers}, footers {footers}. If any of it belongs in the transcript, move it into the body text and import again.',
  'hardening.exportCheckTitle': 'Before the transcript leaves Hvelv',
  'hardening.exportCheckIntro': 'The file is saved outside the vault, where Hvelv can no longer protect it. What could identify someone is replaced under "Identifying details" on this page.',
  'hardening.exportCheckWrite': 'Export as {format} …',
};
