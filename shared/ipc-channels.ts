/** Channel names only, so the preload bundle pulls in nothing else. */
export const IPC_CHANNEL = 'hvelv:invoke';
export const EVENT_CHANNEL = 'hvelv:event';
/** Preload only: the path of a file really dropped on the window, for a token. */
export const DROP_CHANNEL = 'hvelv:drop';
