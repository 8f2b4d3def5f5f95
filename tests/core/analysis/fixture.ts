/** A small study to analyse: two participants with transcripts that have æøå, emoji and f4 stamps. */
import { Transcripts } from '../../../electron/core/services/transcripts/transcripts';
import { Codebook } from '../../../electron/core/services/analysis/codebook';
import { Coding } from '../../../electron/core/services/analysis/coding';
import { Themes } from '../../../electron/core/services/analysis/themes';
import { Memos, Phases } from '../../../electron/core/services/analysis/memos';
import { Search } from '../../../electron/core/services/analysis/search';
import { Report } from '../../../electron/core/services/analysis/report';
import { admit, makeVault } from '../helpers';

export const NOW = () => new Date('2026-11-27T10:00:00Z');

export const TEXT_A = `#00:00:03-2# I: Hva betyr tillit for deg?
#00:14:32-0# B: Tillit er å bli sett 😀 som et helt menneske, ikke bare en sak. Åse på kontoret forstod det.
#00:15:10-4# I: Og arbeidsgiveren?
#00:15:20-0# B: Arbeidsgiveren i Ålesund ville først ikke, men så gikk det seg til.
`;

export const TEXT_B = `#00:00:01-0# I: Fortell om samarbeidet.
#00:02:05-0# B: Øystein og jeg bygde tillit over tid, vi møttes hver uke på kafé.
#00:03:00-0# B: Det handler om å bli sett.
`;

export async function study() {
  const { dir, session, deps } = await makeVault();
  const a = admit(session, { name: 'Kari Nordmann', email: 'kari@example.no', phone: '915 55 123' });
  const b = admit(session, { name: 'Ola Hansen' });
  const transcripts = new Transcripts(session, NOW);
  const ta = transcripts.create(a, TEXT_A);
  const tb = transcripts.create(b, TEXT_B);
  return {
    dir,
    session,
    deps,
    a,
    b,
    ta: ta.id,
    tb: tb.id,
    transcripts,
    book: new Codebook(session, NOW),
    coding: new Coding(session, NOW),
    themes: new Themes(session, NOW),
    memos: new Memos(session, NOW),
    phases: new Phases(session, NOW),
    search: new Search(session, NOW),
    report: new Report(session, NOW),
  };
}
