/**
 * The transcription workspace: editor, playback, keys and pedal, autosave.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { KeySettings } from './KeySettings';
export { StampCheck, TranscriptionWorkspace, loadWorkspaceData } from './TranscriptionWorkspace';
export { flushAll } from './flush';
