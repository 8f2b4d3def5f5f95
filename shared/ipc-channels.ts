/** Channel names only, so the preload bundle pulls in nothing else. */
export const IPC_CHANNEL = 'hvelv:invoke';
export const EVENT_CHANNEL = 'hvelv:event';
