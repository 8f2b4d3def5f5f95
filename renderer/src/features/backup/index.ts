/**
 * Backups: the places a copy goes (Settings → Sikkerhetskopi), the dashboard's line on them,
 * and restoring a vault from a copy on the first screen.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { BackupDashboard } from './BackupDashboard';
export { BackupSettings } from './BackupSettings';
export { RestoreScreen } from './RestoreScreen';
