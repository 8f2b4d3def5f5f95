/**
 * Strings of the screens that tell the vault as it is (issue 15): the live dashboard,
 * unfinished letters at consent, what was deleted at project end, interviews as rows,
 * and PDFs of the documents Hvelv writes.
 */
export const nb = {
  'screens.dashboard.title': 'Oversikt',
} as const;

export const en: Record<keyof typeof nb, string> = {
  'screens.dashboard.title': 'Overview',
};
