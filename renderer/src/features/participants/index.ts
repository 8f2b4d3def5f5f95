/**
 * The key list's screens: participants, consent, withdrawal and its receipt, access requests.
 * What other features and the app may use of it; nothing reaches into its files (eslint.config.js).
 */
export { ParticipantDetail } from './ParticipantDetail';
export { ParticipantList } from './ParticipantList';
