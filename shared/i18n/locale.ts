/** The languages of the interface, in their own file so each catalogue file can name them without importing the catalogue that joins them. */
export const LOCALES = ['nb', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
