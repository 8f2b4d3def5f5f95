/**
 * Automatic drafts on the student's own machine: the draft panel on a recording and the model settings.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { DraftFlag, DraftPanel } from './DraftPanel';
export { ModelSettings } from './ModelSettings';
export { QueuePanel } from './QueuePanel';
