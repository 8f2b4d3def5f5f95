/**
 * The first screen after unlocking: where the study stands and what is due.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { Dashboard } from './Dashboard';
