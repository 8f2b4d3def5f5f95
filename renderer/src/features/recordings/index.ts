/**
 * Recordings: the list, import, and one recording with its transcript.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export type { ImportReport } from './ImportNotice';
export { RecordingView } from './RecordingView';
export { RecordingsScreen } from './RecordingsScreen';
