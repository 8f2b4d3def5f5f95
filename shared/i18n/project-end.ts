/**
 * The end date's deletion in the window (docs/project-end.md): the panel shown over any
 * screen while the key list and the recordings are deleted, and when it is done.
 */
export const nb = {
  'projectEnd.runningTitle': 'Prosjektet er avsluttet: slettingen pågår',
  'projectEnd.runningAnonymise': 'Sluttdatoen for «{title}» ({date}) er passert. Som lovet i informasjonsskrivet slettes nå navnelisten og lydopptakene. Transkripsjonene og analysen blir igjen, uten navneliste.',
  'projectEnd.runningDeleteAll': 'Sluttdatoen for «{title}» ({date}) er passert. Som lovet i informasjonsskrivet slettes nå navnelisten, lydopptakene og transkripsjonene.',
  'projectEnd.resumed': 'Slettingen ble begynt før, men er ikke ferdig (Hvelv ble lukket underveis, eller den daglige kontrollen holder på med den). Hvelv gjør den ferdig nå.',
  'projectEnd.locked': 'Hvelvet er låst så lenge slettingen pågår.',
  'projectEnd.overwriting': 'Overskriver lydopptakene med nuller',
  'projectEnd.noCancel': 'Dette kan ikke avbrytes: nøklene er allerede slettet, så ingen kan lese opptakene lenger, og overskrivingen fullføres. Lukkes Hvelv før den er ferdig, fullføres den neste gang Hvelv eller hvelvet åpnes.',
  'projectEnd.doneTitle': 'Slettingen ved prosjektslutt er fullført',
  'projectEnd.doneAnonymise': 'Navnelisten og lydopptakene i «{title}» er slettet, som lovet i informasjonsskrivet. Transkripsjonene og analysen er igjen, uten navneliste.',
  'projectEnd.doneDeleteAll': 'Navnelisten, lydopptakene og transkripsjonene i «{title}» er slettet, som lovet i informasjonsskrivet.',
  'projectEnd.certificateAt': 'Slettebekreftelsen er lagret i hvelvets mappe: {path}. Når du åpner hvelvet, finner du den også på oversikten, der du kan lagre den som PDF.',
  'projectEnd.certificateOverview': 'Når du åpner hvelvet, finner du slettebekreftelsen på oversikten, der du kan lagre den som PDF.',
  'projectEnd.certificateAtOpen': 'Slettebekreftelsen er lagret i hvelvets mappe: {path}. Den står også på oversikten, der du kan lagre den som PDF.',
  'projectEnd.certificateOverviewOpen': 'Slettebekreftelsen står på oversikten, der du kan lagre den som PDF.',
  'projectEnd.close': 'Lukk',
  'projectEnd.failedTitle': 'Slettingen ved prosjektslutt ble ikke fullført nå',
  'projectEnd.failedWhich': 'Sluttdatoen for «{title}» ({date}) er passert, men slettingen kunne ikke gjøres ferdig nå.',
  'projectEnd.failedRetry': 'Hvelv prøver igjen innen en time, og når hvelvet åpnes. Det som alt er slettet, forblir slettet.',
};

export const en: Record<keyof typeof nb, string> = {
  'projectEnd.runningTitle': 'The project has ended: deleting',
  'projectEnd.runningAnonymise': 'The end date of “{title}” ({date}) has passed. As promised in the information letter, the key list and the recordings are being deleted now. The transcripts and the analysis remain, without the key list.',
  'projectEnd.runningDeleteAll': 'The end date of “{title}” ({date}) has passed. As promised in the information letter, the key list, the recordings and the transcripts are being deleted now.',
  'projectEnd.resumed': 'The deletion was begun before but is not finished (Hvelv was closed in the middle, or the daily check is still at it). Hvelv is finishing it now.',
  'projectEnd.locked': 'The vault stays locked while the deletion runs.',
  'projectEnd.overwriting': 'Overwriting the recordings with zeros',
  'projectEnd.noCancel': 'This cannot be cancelled: the keys are already deleted, so nobody can read the recordings any more, and the overwriting runs to the end. If Hvelv is closed before it is done, it is finished the next time Hvelv or the vault is opened.',
  'projectEnd.doneTitle': 'The deletion at the project’s end is done',
  'projectEnd.doneAnonymise': 'The key list and the recordings of “{title}” are deleted, as promised in the information letter. The transcripts and the analysis remain, without the key list.',
  'projectEnd.doneDeleteAll': 'The key list, the recordings and the transcripts of “{title}” are deleted, as promised in the information letter.',
  'projectEnd.certificateAt': 'The deletion certificate is saved in the vault’s folder: {path}. When you open the vault, you also find it on the overview, where you can save it as a PDF.',
  'projectEnd.certificateOverview': 'When you open the vault, you find the deletion certificate on the overview, where you can save it as a PDF.',
  'projectEnd.certificateAtOpen': 'The deletion certificate is saved in the vault’s folder: {path}. It is also on the overview, where you can save it as a PDF.',
  'projectEnd.certificateOverviewOpen': 'The deletion certificate is on the overview, where you can save it as a PDF.',
  'projectEnd.close': 'Close',
  'projectEnd.failedTitle': 'The deletion at the project’s end was not finished now',
  'projectEnd.failedWhich': 'The end date of “{title}” ({date}) has passed, but the deletion could not be finished now.',
  'projectEnd.failedRetry': 'Hvelv tries again within the hour, and when the vault is opened. Whatever is already deleted stays deleted.',
};
