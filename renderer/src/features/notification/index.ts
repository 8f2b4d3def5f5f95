/**
 * The text for Sikt's notification form and the data management plan.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { NotificationScreen } from './NotificationScreen';
