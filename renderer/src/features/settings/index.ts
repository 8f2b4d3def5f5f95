/**
 * The project's and the app's settings.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { SettingsScreen } from './SettingsScreen';
