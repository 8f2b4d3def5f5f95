/**
 * Participants, the key list, consent, withdrawal and participants' rights: the
 * promises of the information letter, as operations on an unlocked vault.
 *
 * Everywhere outside the key list a participant is their code. Identities are
 * read only on an explicit reveal, which is audited; audit entries carry codes,
 * field names and counts, never values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import {
  CONSENT_METHODS,
  consentCovers,
  daysUntil,
  EVIDENCE_MAX_BYTES,
  formatCode,
  isIsoDate,
  localIsoDate,
  PURPOSES,
  STATEMENTS,
  type ConsentMethod,
  type IsoDate,
  type Purpose,
} from '../../../../shared/domain';
import type { Locale } from '../../../../shared/i18n/catalogue';
import type { ParticipantSummary } from '../../../../shared/contract';
import { sha256, toHex } from '../../crypto/encoding';
import { HvelvError } from '../../errors';
import { fsyncDir } from '../../vault/atomic-file';
import { shredFilesAsync } from '../../vault/safe-delete';
import type { VaultSession } from '../../vault/vault';
import { freezeForm, getForm } from '../../consent/forms';
import { unfilledFields } from '../../../../shared/letter';
import {
  T,
  currentConsent,
  registryEntry,
  requireActive,
  type ConsentRecord,
  type EvidenceRecord,
  type Identity,
  type RegistryEntry,
} from '../../consent/model';
import { readUserFile } from '../project/user-file';
import { beginExport, removeTree } from '../project/export-journal';
import { renderAccessCoverLetter, renderReceiptHtml, type WithdrawalReceipt } from './documents';
import { Report } from '../analysis/report';
import { supervisorCopiesOf } from '../supervisor/student';
import { PARTICIPANT_DATA } from '../index';
import { DATA_STORES, type DataStore } from '../../vault/layout';

export const identitySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().max(200).refine((s) => s === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), 'not an e-mail address').default(''),
  phone: z.string().trim().max(50).default(''),
  workplace: z.string().trim().max(300).default(''),
  notes: z.string().max(5000).default(''),
});

export type { ParticipantSummary };

export interface ConsentInput {
  date: string;
  formVersion: number;
  locale: Locale;
  method: ConsentMethod;
  statements: string[];
  /** A scanned signature or recording of oral consent: identifying, so it goes into the key list. */
  evidence?: { path: string } | undefined;
  /**
   * The student's explicit choice to record consent on a letter that still has [fields]
   * left unfilled; without it such a consent is refused. The choice is kept in the record.
   */
  unfinishedLetter?: boolean | undefined;
}

export type WithdrawalStep = 'journal' | DataStore | 'shredded' | 'done';

export interface WithdrawalHooks {
  afterStep?: (step: WithdrawalStep) => void;
  /** The recordings' blobs being overwritten (the long part): bytes done of the total, from 0 to the total. */
  onProgress?: (p: { bytes: number; total: number }) => void;
}

/** The stores in the order withdrawal empties them: the key list last, so every step before it can still read who the person is. */
const WITHDRAWAL_ORDER: readonly DataStore[] = ['recordings', 'transcripts', 'keylist'];
if (WITHDRAWAL_ORDER.length !== DATA_STORES.length || DATA_STORES.some((s) => !WITHDRAWAL_ORDER.includes(s))) throw new Error('WITHDRAWAL_ORDER must name every data store');

/**
 * The row a table no registration claims is counted in (and given raw in an access request):
 * a safety net, so the receipt never says less than was destroyed. The registry's test fails
 * on such a table; this only keeps a user's receipt true meanwhile.
 */
const UNREGISTERED_KIND = 'analysis';
const registered = (store: DataStore, table: string): boolean => PARTICIPANT_DATA.some((d) => d.tables.some((t) => t.store === store && t.table === table));

/** The kinds of data a withdrawal destroys, with how many items of each. */
export type WithdrawalCounts = Record<string, number>;

export class Participants {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get keylist() {
    return this.session.stores.keylist;
  }

  private today(): IsoDate {
    return localIsoDate(this.now());
  }

  list(): ParticipantSummary[] {
    return this.keylist
      .list<RegistryEntry>(T.participant)
      .map((r) => r.data)
      .sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }))
      .map((e) => {
        const consent = e.status === 'active' ? currentConsent(this.keylist, e.code) : null;
        return {
          code: e.code,
          status: e.status,
          addedAt: e.addedAt,
          withdrawnOn: e.withdrawal?.date ?? null,
          consent: consent && {
            date: consent.date,
            method: consent.method,
            formVersion: consent.formVersion,
            recordedAt: consent.recordedAt,
            recordedAfterwards: consent.recordedAfterwards ?? false,
            covers: Object.fromEntries(PURPOSES.map((p) => [p, consentCovers(consent.statements, p)])) as Record<Purpose, boolean>,
            unfilledFields: consent.unfilledFields ?? [],
          },
        };
      });
  }

  /** Add a participant: the identity goes into the key list, the caller gets a new code. */
  add(identity: z.input<typeof identitySchema>): string {
    const id = parseIdentity(identity);
    this.assertUniqueEmail(id.email, null);
    const { codePrefix, codeDigits } = this.session.facts;
    // Never reused: withdrawn codes stay in the register, so the next number is past them all.
    const taken = this.keylist.list<RegistryEntry>(T.participant).map((r) => r.data.code);
    let n = 1;
    for (const c of taken) {
      if (c.startsWith(codePrefix) && /^\d+$/.test(c.slice(codePrefix.length))) n = Math.max(n, Number(c.slice(codePrefix.length)) + 1);
    }
    const code = formatCode(codePrefix, codeDigits, n);
    const entry: RegistryEntry = { code, addedAt: this.now().toISOString(), status: 'active', withdrawal: null };
    this.keylist.put(T.participant, { id: code, participant: null, data: entry });
    this.keylist.put(T.identity, { id: code, participant: code, data: id });
    this.session.audit.append('participant.added', { participant: code });
    return code;
  }

  /** The identity behind a code, on explicit request. Audited. */
  reveal(code: string): Identity {
    requireActive(this.keylist, code);
    const rec = this.keylist.get<Identity>(T.identity, code);
    if (!rec) throw new HvelvError('UNKNOWN_PARTICIPANT', `no identity for ${code}`);
    this.session.audit.append('identity.revealed', { participant: code });
    return rec.data;
  }

  /** Rectification: correct identity fields. The audit says which fields, never the values. */
  updateIdentity(code: string, change: Partial<Identity>): void {
    requireActive(this.keylist, code);
    const rec = this.keylist.get<Identity>(T.identity, code);
    if (!rec) throw new HvelvError('UNKNOWN_PARTICIPANT', `no identity for ${code}`);
    const next = parseIdentity({ ...rec.data, ...change });
    const fields = (Object.keys(next) as (keyof Identity)[]).filter((k) => next[k] !== rec.data[k]);
    if (fields.length === 0) return;
    if (fields.includes('email')) this.assertUniqueEmail(next.email, code);
    this.keylist.put(T.identity, { id: code, participant: code, data: next });
    this.session.audit.append('identity.corrected', { participant: code, details: { fields: fields.join(',') } });
  }

  recordConsent(code: string, input: ConsentInput): ConsentRecord {
    requireActive(this.keylist, code);
    if (!isIsoDate(input.date)) throw new HvelvError('INVALID_INPUT', `consent date ${input.date} is not a date`);
    const implausible = (why: string) => new HvelvError('CONSENT_DATE_IMPLAUSIBLE', `consent date ${input.date} ${why}`);
    const end = this.session.facts.endDate;
    if (daysUntil(end, input.date) < 0) throw implausible(`is after the project end ${end}`);
    if (daysUntil(input.date, this.today()) > 0) throw implausible('is in the future');
    // No master's or PhD project runs ten years: a date that old is a typing error (1900-01-01).
    if (daysUntil(tenYearsBefore(end), input.date) > 0) throw implausible(`is more than ten years before the project end ${end}`);
    // A study adopts Hvelv partway through: paper consents signed before the vault existed are
    // real, and are recorded afterwards. That is kept, so nobody later mistakes it for backdating.
    const recordedAfterwards = daysUntil(localIsoDate(new Date(this.session.createdAt)), input.date) > 0;
    if (!(CONSENT_METHODS as readonly string[]).includes(input.method)) throw new HvelvError('INVALID_INPUT', `unknown consent method ${input.method}`);
    const form = getForm(this.keylist, input.formVersion);
    const offered = form.texts[input.locale].statements.map((s) => s.id as string);
    const unknown = input.statements.filter((s) => !offered.includes(s) || !(STATEMENTS as readonly string[]).includes(s));
    if (unknown.length > 0) throw new HvelvError('INVALID_INPUT', `statements not on form version ${form.version}: ${unknown.join(', ')}`);
    if (input.statements.length === 0) throw new HvelvError('INVALID_INPUT', 'no statement was agreed to');
    const unfilled = unfilledFields(form.texts[input.locale]);
    if (unfilled.length > 0 && input.unfinishedLetter !== true) {
      throw new HvelvError('FORM_UNFINISHED', `form version ${form.version} (${input.locale}) still has unfilled fields: ${unfilled.length}`);
    }

    // Read the evidence completely before changing anything.
    const evidence = input.evidence ? readEvidence(input.evidence.path) : null;
    let evidenceId: string | null = null;
    if (evidence) evidenceId = this.keylist.put(T.evidence, { participant: code, data: evidence }).id;
    const record: ConsentRecord = {
      date: input.date,
      formVersion: form.version,
      locale: input.locale,
      formHash: form.hashes[input.locale],
      method: input.method,
      statements: [...new Set(input.statements)].sort(),
      evidenceId,
      recordedAt: this.now().toISOString(),
      ...(unfilled.length > 0 ? { unfilledFields: unfilled } : {}),
      recordedAfterwards,
    };
    this.keylist.put(T.consent, { participant: code, data: record });
    freezeForm(this.keylist, form.version);
    this.session.audit.append('consent.recorded', {
      participant: code,
      details: { date: record.date, formVersion: form.version, method: record.method, statements: record.statements.join(','), evidence: evidence !== null, unfilledFields: unfilled.length },
    });
    return record;
  }

  /** Exactly what a withdrawal would destroy, as kinds and counts. */
  withdrawalPreview(code: string): WithdrawalCounts {
    requireActive(this.keylist, code);
    return this.countHoldings(code);
  }

  /**
   * Withdraw consent and destroy everything about the participant in every store.
   * A journal entry written first makes it complete on the next open if the
   * process dies half way; every step is idempotent.
   */
  async withdraw(code: string, date: string = this.today(), hooks: WithdrawalHooks = {}): Promise<WithdrawalReceipt> {
    const entry = requireActive(this.keylist, code);
    if (!isIsoDate(date)) throw new HvelvError('INVALID_INPUT', `withdrawal date ${date} is not a date`);
    if (daysUntil(date, this.today()) > 0) throw new HvelvError('INVALID_INPUT', `withdrawal date ${date} is in the future`);
    const consent = currentConsent(this.keylist, code);
    // A receipt saying consent was withdrawn before it was given would be filed as it is.
    if (consent && daysUntil(consent.date, date) > 0) throw new HvelvError('INVALID_INPUT', `withdrawal date ${date} is before the consent given on ${consent.date}`);
    const journal: RegistryEntry = {
      ...entry,
      status: 'withdrawing',
      withdrawal: { date, startedAt: this.now().toISOString(), completedAt: null, counts: this.countHoldings(code), consentGivenOn: consent?.date ?? null },
    };
    this.keylist.put(T.participant, { id: code, participant: null, data: journal });
    this.session.audit.append('withdrawal.started', { participant: code, details: { date } });
    hooks.afterStep?.('journal');
    // Every store first (the keys go: the person is unreadable from here), then the
    // recordings' sealed blobs overwritten, in slices that leave this thread free.
    const files = this.destroyParticipant(code, hooks);
    await shredFilesAsync(files, hooks.onProgress);
    hooks.afterStep?.('shredded');
    return this.finishWithdrawal(code, hooks);
  }

  /** Finish any withdrawal a crash interrupted. Called on every open. */
  async resumeWithdrawals(): Promise<string[]> {
    const pending = this.keylist
      .list<RegistryEntry>(T.participant)
      .map((r) => r.data)
      .filter((e) => e.status === 'withdrawing');
    // The blobs still listed are those of a crash before the recordings' store was emptied
    // (a crash after it left orphans, which the open's sweep removes).
    for (const e of pending) {
      const files = this.destroyParticipant(e.code, {});
      // Their keys are gone here: a blob the disk cannot overwrite now is an orphan like any
      // other, for the sweep to try again; it must not keep the person 'withdrawing' nor the
      // vault from opening.
      await shredFilesAsync(files).catch((err: unknown) => {
        if (typeof (err as NodeJS.ErrnoException).syscall !== 'string') throw err; // the file system's refusal only, never a bug
      });
      this.finishWithdrawal(e.code, {});
    }
    return pending.map((e) => e.code);
  }

  receipt(code: string): WithdrawalReceipt {
    const entry = registryEntry(this.keylist, code);
    if (!entry) throw new HvelvError('UNKNOWN_PARTICIPANT', `no participant ${code}`);
    if (entry.status !== 'withdrawn' || !entry.withdrawal?.completedAt) throw new HvelvError('INVALID_INPUT', `${code} has not withdrawn`);
    const copies = supervisorCopiesOf(this.session, code);
    return {
      code,
      projectTitle: this.session.facts.title,
      consentGivenOn: entry.withdrawal.consentGivenOn,
      withdrawnOn: entry.withdrawal.date,
      completedAt: entry.withdrawal.completedAt,
      counts: entry.withdrawal.counts,
      exportsHolding: new Report(this.session, this.now).exportsHolding(code).map((e) => ({ at: e.at, action: e.action, format: String(e.details.format ?? '') })),
      // A supervisor's copy is outside the vault: the receipt says whether a new share without them was made.
      ...(copies.length ? { supervisorCopies: copies } : {}),
    };
  }

  /** `extra`: what the caller knows beyond the vault's stores (the backup places the withdrawal reached). */
  receiptHtml(code: string, locale: Locale, extra: Pick<WithdrawalReceipt, 'backupPlaces'> = {}): string {
    return renderReceiptHtml({ ...this.receipt(code), ...extra }, locale);
  }

  /**
   * Access request: everything held about one participant, into a new folder in
   * `outDir`, with a cover letter listing the contents. Written under a temporary
   * name and renamed at the end, so an interrupted export leaves no partial folder
   * that looks complete.
   */
  async accessRequest(code: string, outDir: string, locale: Locale): Promise<{ folder: string; files: string[] }> {
    requireActive(this.keylist, code);
    if (!fs.existsSync(outDir) || !fs.statSync(outDir).isDirectory()) throw new HvelvError('INVALID_INPUT', `${outDir} is not a folder`);
    const name = `${locale === 'nb' ? 'innsyn' : 'access'}-${code}-${this.today()}`;
    const final = path.join(outDir, name);
    if (fs.existsSync(final)) throw new HvelvError('VAULT_EXISTS', `${final} already exists`);
    const tmp = path.join(outDir, `.${name}.${randomBytes(4).toString('hex')}.partial`);
    const note = beginExport(this.session, tmp, this.now);
    const files: { name: string; what: string }[] = [];
    const write = (rel: string, data: string | Uint8Array, what: string): void => {
      const target = path.join(tmp, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data, { mode: 0o600 });
      files.push({ name: rel, what });
    };
    try {
      fs.mkdirSync(tmp, { mode: 0o700 });
      // Every kind of data held about them, as each feature gives it (services/index.ts).
      const ctx = { session: this.session, code, locale, now: this.now, write, folder: tmp, wrote: (rel: string, what: string) => void files.push({ name: rel, what }) };
      for (const d of PARTICIPANT_DATA) await d.access?.(ctx);
      for (const store of DATA_STORES) {
        for (const rec of this.session.stores[store].listParticipant(code)) {
          if (!registered(store, rec.table)) write(path.join('analysis', `${rec.table}-${rec.id}.txt`), JSON.stringify(rec.data, null, 2), UNREGISTERED_KIND);
        }
      }
      const facts = this.session.facts;
      write(locale === 'nb' ? '00-folgebrev.html' : '00-cover-letter.html', renderAccessCoverLetter({ code, facts, files, date: this.today() }, locale), 'cover');
      fs.renameSync(tmp, final);
      fsyncDir(outDir);
    } catch (err) {
      // Plaintext: overwritten, not only unlinked. If even that fails, the export's note
      // stays and the next open tries again.
      try {
        removeTree(tmp);
      } catch {
        /* kept for the next open */
      }
      if (err instanceof HvelvError) throw err;
      throw new HvelvError('IO', `could not write the export: ${(err as Error).message}`, { cause: err });
    } finally {
      note.end();
    }
    const counts: Record<string, number> = {};
    for (const f of files) counts[f.what] = (counts[f.what] ?? 0) + 1;
    this.session.audit.append('participant.access-request', { participant: code, details: counts });
    return { folder: final, files: files.map((f) => f.name) };
  }

  // ---- internals ---------------------------------------------------------------

  /**
   * Store by store: each feature reads what it must before its rows go (services/index.ts),
   * the store destroys every row and key of the participant, then the features finish. The
   * files to overwrite (the recordings' blobs, noise once their keys are gone) are returned,
   * for the caller to shred last. Every step is idempotent, so a crash repeats it; a crash
   * after the recordings' store was emptied leaves blobs no record names, which the orphan
   * sweep at the next open removes.
   */
  private destroyParticipant(code: string, hooks: WithdrawalHooks): string[] {
    const files: string[] = [];
    for (const store of WITHDRAWAL_ORDER) {
      const after = PARTICIPANT_DATA.filter((d) => d.tables.some((t) => t.store === store)).map((d) => d.beforeDestroy?.(this.session, code, store, this.now));
      this.session.stores[store].destroyParticipant(code);
      for (const f of after) {
        if (typeof f === 'function') f();
        else if (f) files.push(...f.shred);
      }
      hooks.afterStep?.(store);
    }
    return files;
  }

  private finishWithdrawal(code: string, hooks: WithdrawalHooks): WithdrawalReceipt {
    const entry = registryEntry(this.keylist, code)!;
    const done: RegistryEntry = { ...entry, status: 'withdrawn', withdrawal: { ...entry.withdrawal!, completedAt: this.now().toISOString() } };
    // The audit entry before the status: a crash between them repeats the destroy
    // (a no-op) and finds the entry already there.
    const logged = this.session.audit.list().some((e) => e.action === 'participant.withdrawn' && e.participant === code);
    if (!logged) this.session.audit.append('participant.withdrawn', { participant: code, details: { date: entry.withdrawal!.date, ...entry.withdrawal!.counts } });
    this.keylist.put(T.participant, { id: code, participant: null, data: done });
    hooks.afterStep?.('done');
    return this.receipt(code);
  }

  /** What is held about them now, kind by kind, in the registry's order: the dialog and the receipt say the same. */
  private countHoldings(code: string): WithdrawalCounts {
    const counts: WithdrawalCounts = {};
    for (const d of PARTICIPANT_DATA) counts[d.kind] = (counts[d.kind] ?? 0) + d.count(this.session, code);
    for (const store of DATA_STORES) {
      for (const [table, n] of Object.entries(this.session.stores[store].countParticipant(code))) {
        if (!registered(store, table)) counts[UNREGISTERED_KIND] = (counts[UNREGISTERED_KIND] ?? 0) + n;
      }
    }
    return counts;
  }

  private assertUniqueEmail(email: string, except: string | null): void {
    if (!email) return;
    const wanted = email.trim().toLowerCase();
    for (const e of this.keylist.list<RegistryEntry>(T.participant).map((r) => r.data)) {
      if (e.status !== 'active' || e.code === except) continue;
      const id = this.keylist.get<Identity>(T.identity, e.code)?.data;
      if (id && id.email.trim().toLowerCase() === wanted) throw new HvelvError('DUPLICATE_PARTICIPANT', `an active participant already has that e-mail (${e.code})`);
    }
  }
}

function parseIdentity(input: z.input<typeof identitySchema>): Identity {
  const parsed = identitySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HvelvError('INVALID_INPUT', `${issue?.path.join('.') ?? 'identity'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.heic': 'image/heic',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

/** Read an evidence file whole, within the size limit, before anything is stored. */
function readEvidence(file: string): EvidenceRecord {
  const bytes = Buffer.from(readUserFile(file, EVIDENCE_MAX_BYTES));
  if (bytes.length === 0) throw new HvelvError('FILE_UNREADABLE', `${path.basename(file)} is empty`);
  const ext = path.extname(file).toLowerCase();
  return {
    filename: path.basename(file),
    mediaType: MEDIA_TYPES[ext] ?? 'application/octet-stream',
    size: bytes.length,
    sha256: toHex(sha256(bytes)),
    base64: bytes.toString('base64'),
  };
}

/** The same day ten years earlier (29 February falls back to the 28th). */
function tenYearsBefore(date: IsoDate): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y - 10, m - 1, d));
  if (t.getUTCDate() !== d) t.setUTCDate(0);
  return t.toISOString().slice(0, 10) as IsoDate;
}
