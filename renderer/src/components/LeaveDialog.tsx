import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';
import { Dialog } from './Dialog';

/** "You have typed something that is not saved": stay (the default, and Esc) or leave. */
export function LeaveDialog({ onStay, onLeave }: { onStay(): void; onLeave(): void }) {
  const { t } = useI18n();
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  return (
    <Dialog alert labelledBy="leave-h" describedBy="leave-p" onCancel={onStay}>
      <h2 id="leave-h">{t('tx.leave.title')}</h2>
      <p id="leave-p">{t('tx.leave.text')}</p>
      <div className="actions">
        <button type="button" ref={stay} onClick={onStay}>
          {t('tx.leave.stay')}
        </button>
        <button type="button" className="danger" onClick={onLeave}>
          {t('tx.leave.leave')}
        </button>
      </div>
    </Dialog>
  );
}
