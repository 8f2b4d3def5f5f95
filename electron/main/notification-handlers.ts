/**
 * The methods of the page "Til Sikt og datahåndteringsplanen" (issue 33, shared/notification.ts),
 * over core's services/notification/. Kept beside handlers.ts as analysis-handlers.ts is:
 * no Electron here, every input already parsed by the contract, and a file written only
 * where the user chose in main's save dialog (through the export journal, as every export).
 */
import type { Method, Outputs, ParsedInput } from '../../shared/contract';
import { writeExport } from '../core/services/analysis/export-file';
import { notificationDocx } from '../core/services/notification/documents';
import { Notification } from '../core/services/notification';
import type { VaultSession } from '../core/vault/vault';
import { fileSlug } from './file-name';

type NotificationMethod = Extract<Method, `notification.${string}`>;
type NotificationHandlers = { [M in NotificationMethod]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export interface NotificationDeps {
  session(): VaultSession;
  now: () => Date;
  chooseSavePath(defaultName: string): Promise<string | null>;
  /** Whether the daily deletion job is installed for this vault (null: not known on this system). */
  dailyJob(session: VaultSession): boolean | null;
}

export function notificationHandlers(deps: NotificationDeps): NotificationHandlers {
  const service = () => {
    const s = deps.session();
    return new Notification(s, { now: deps.now, dailyJob: deps.dailyJob(s) });
  };
  return {
    'notification.get': ({ locale }) => service().view(locale),
    'notification.copied': ({ locale }) => {
      const n = service();
      const facts = n.facts();
      n.markCopied(facts);
      return n.view(locale, facts);
    },
    'notification.save': async ({ locale, format }) => {
      const n = service();
      const facts = n.facts();
      const view = n.view(locale, facts);
      const base = `${locale === 'nb' ? 'datahandtering' : 'data-handling'}-${fileSlug(deps.session().facts.title, 40, 'prosjekt')}`;
      const target = await deps.chooseSavePath(`${base}.${format}`);
      if (!target) return null;
      const bytes = format === 'docx' ? await notificationDocx(view.text) : new TextEncoder().encode(view.markdown);
      writeExport(deps.session(), deps.now, target, bytes);
      n.markCopied(facts);
      return target;
    },
  };
}
