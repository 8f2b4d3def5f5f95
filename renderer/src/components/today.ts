/**
 * Today's date, read again from main when a form that states a legal date opens (issue
 * 29: the withdrawal date and "Dato Sikt ble varslet" showed the day the vault was
 * unlocked, weeks later, and the receipt carried it). The app's own "today" moves on
 * every 30 seconds while the window lives, but not across a long sleep it missed; the
 * later of the two is shown.
 */
import { useEffect, useState } from 'react';
import { call } from '../api';
import type { IsoDate } from '../../../shared/domain';

export function useFreshToday(today: IsoDate, active = true): IsoDate {
  const [fresh, setFresh] = useState<IsoDate | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    void call('app.info', {}).then((a) => {
      if (live && a.ok) setFresh(a.value.today);
    });
    return () => {
      live = false;
    };
  }, [active]);
  return fresh !== null && fresh > today ? fresh : today;
}
