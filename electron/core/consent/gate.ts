/**
 * Consent gates processing in the core, not only in the UI: the recordings and
 * transcripts stores call this before writing anything about a participant. A
 * participant unknown, withdrawn, or without consent covering the purpose is
 * refused with a code the UI and CLI explain.
 */
import { consentCovers, type Purpose } from '../../../shared/domain';
import { HvelvError } from '../errors';
import type { RecordStore } from '../stores/record-store';
import { currentConsent, purposeOf, requireActive } from './model';

export function createConsentGate(keylist: RecordStore, store: 'recordings' | 'transcripts'): (participant: string, table: string) => void {
  return (participant, table) => assertConsent(keylist, participant, purposeOf(store, table));
}

/** The check itself, also called early by long operations so they fail before any work. */
export function assertConsent(keylist: RecordStore, participant: string, purpose: Purpose): void {
  // After project end there is no key list, so no consent can be shown: nothing new about anyone.
  if (keylist.destroyed) throw new HvelvError('PROJECT_ENDED', 'the project has ended; the key list is destroyed');
  requireActive(keylist, participant);
  const consent = currentConsent(keylist, participant);
  if (!consent || !consentCovers(consent.statements, purpose)) {
    throw new HvelvError('CONSENT_MISSING', `${participant} has no consent covering ${purpose}`);
  }
}
