/**
 * The supervisor: access, shares and feedback on the student's side, and the supervisor's own reading of a share.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { SupervisorCopies, SupervisorFeedbackFor } from './StudentSupervisors';
export type { OpenPassage } from './StudentSupervisors';
export { SupervisionScreen } from './SupervisionScreen';
export { SupervisorApp } from './SupervisorApp';
