/**
 * The thematic analysis: codebook, coding, retrieval, search, themes and map, memos, report (Braun & Clarke, phase by phase).
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { AnalysisScreen } from './AnalysisScreen';
