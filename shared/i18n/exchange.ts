/**
 * REFI-QDA exchange (.qdpx projects and .qdc codebooks to and from NVivo, ATLAS.ti,
 * MAXQDA and QualCoder): the errors its refusals give and what export and import say.
 */
export const nb = {
  'error.EXCHANGE_NOT_QDA': 'Filen er ikke et REFI-QDA-prosjekt (.qdpx) eller en kodebok (.qdc) Hvelv kan lese. Ingenting ble lagret.',
  'error.EXCHANGE_UNSAFE': 'Filen inneholder noe Hvelv ikke åpner av sikkerhetshensyn (entitetsdefinisjoner, stier ut av arkivet eller filer som ikke er vanlige filer). Ingenting ble lagret.',
} as const;

export const en: Record<keyof typeof nb, string> = {
  'error.EXCHANGE_NOT_QDA': 'The file is not a REFI-QDA project (.qdpx) or codebook (.qdc) Hvelv can read. Nothing was stored.',
  'error.EXCHANGE_UNSAFE': 'The file holds something Hvelv does not open, for safety (entity definitions, paths out of the archive, or entries that are not regular files). Nothing was stored.',
};
