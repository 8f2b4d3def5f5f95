/**
 * REFI-QDA projects and codebooks in and out.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { ExchangeExport, ExchangeScreen } from './ExchangeScreen';
