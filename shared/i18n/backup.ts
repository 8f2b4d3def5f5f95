/** Backups, restore and the backup places (issue 28): electron/core/services/backup/ and Settings → Sikkerhetskopi. */
export const nb = {
  'error.BACKUP_OLDER': 'Denne kopien er eldre enn en annen kopi eller et hvelv du viste fram. Hent fra den nyeste, eller bekreft at du vil bruke den eldre.',
  'error.BACKUP_NOT_FOUND': 'Fant ingen sikkerhetskopi av et hvelv i den mappen.',
};

export const en: Record<keyof typeof nb, string> = {
  'error.BACKUP_OLDER': 'This copy is older than another copy or vault you showed. Restore from the newest, or confirm that you want the older one.',
  'error.BACKUP_NOT_FOUND': 'No backup of a vault was found in that folder.',
};
