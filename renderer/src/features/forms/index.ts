/**
 * The information letter and the consent form, in versions.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { FormsScreen } from './FormsScreen';
