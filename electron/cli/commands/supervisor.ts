/**
 * `hvelv supervisor …`, `hvelv share …`, `hvelv feedback …` (issue 10): the student's list
 * of supervisors and the shares made for them, and the supervisor's own folder with the
 * shares they hold and the feedback they send back. A `<dir>` is a supervisor's folder,
 * a `<vault>` the student's vault; both take the passphrase the same ways.
 */
import { terminalProgress } from '../progress';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { translate, type Locale } from '../../../shared/i18n/catalogue';
import type { IsoDate } from '../../../shared/domain';
import { isIsoDate } from '../../../shared/domain';
import { FEEDBACK_TARGET_KINDS, type FeedbackTargetKind } from '../../../shared/supervisor';
import type { ExchangeFinding } from '../../../shared/exchange';
import { nodeEd25519 } from '../../core/crypto/ed25519';
import { passphraseBytes } from '../../core/crypto/kdf';
import { fromB64 } from '../../core/crypto/encoding';
import { HvelvError } from '../../core/errors';
import { parseNowOption } from '../../core/services/project-end/headless-enforce';
import { assertRegularFile, readUserFile } from '../../core/services/project/user-file';
import { renderShareCertificateHtml } from '../../core/services/supervisor/documents';
import { initSupervisorFolder, readSupervisorHeader, unlockSupervisorFolder, type SupervisorSession } from '../../core/services/supervisor/folder';
import { enforceSupervisorFolder, HeldShares } from '../../core/services/supervisor/held';
import { supervisorFingerprint, supervisorKeyText } from '../../core/services/supervisor/key-text';
import { FEEDBACK_MAX_BYTES } from '../../core/services/supervisor/share-file';
import { verifyShareCertificate } from '../../core/services/supervisor/certificate-check';
import { Supervisors } from '../../core/services/supervisor/student';
import { writeFileAtomic } from '../../core/vault/atomic-file';
import { many, parse, str, type Values } from '../args';
import { smallGroupsLine } from './attribute';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { UsageError, type CliIo } from '../io';
import { obtainPassphrase } from '../passphrase';
import { withSession } from '../session';

async function withFolder<T>(dir: string, values: Values, ctx: CommandContext, fn: (s: SupervisorSession, held: HeldShares) => T | Promise<T>): Promise<T> {
  const vd = await ctx.vaultDeps();
  const passphrase = await obtainPassphrase(ctx.io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: false, required: true });
  const s = await unlockSupervisorFolder(dir, passphraseBytes(passphrase!), { crypto: vd.crypto, kdfPolicy: vd.kdfPolicy, now: ctx.io.now });
  try {
    return await fn(s, new HeldShares(s));
  } finally {
    s.lock();
  }
}

const t = (locale: Locale, key: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, key, p);

export async function cmdSupervisor(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const [sub, ...rest] = args;
  switch (sub) {
    case 'init': {
      const { values, positionals } = parse(rest, {}, 1);
      const vd = await ctx.vaultDeps();
      const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: true, required: true });
      const s = await initSupervisorFolder(positionals[0]!, passphraseBytes(passphrase!), { crypto: vd.crypto, kdfPolicy: vd.kdfPolicy, now: io.now }, ctx.deps.createOptions);
      const id = s.identity;
      s.lock();
      if (values.json) io.out(JSON.stringify({ ok: true, key: id.key, fingerprint: id.fingerprint }));
      else io.out(`${t(locale, 'supervisor.cli.initialised')}\n\n${id.key}\n\n${t(locale, 'supervisor.cli.fingerprint', { fingerprint: id.fingerprint })}`);
      return EXIT.ok;
    }
    case 'key': {
      // Public keys only, from the signed header: no passphrase.
      const { values, positionals } = parse(rest, {}, 1);
      const h = readSupervisorHeader(positionals[0]!, nodeEd25519);
      const keys = { box: fromB64(h.keys.box, 32), sign: fromB64(h.keys.sign, 32) };
      const key = supervisorKeyText(keys);
      io.out(values.json ? JSON.stringify({ ok: true, key, fingerprint: supervisorFingerprint(keys) }) : key);
      return EXIT.ok;
    }
    case 'add': {
      const { values, positionals } = parse(rest, { key: { type: 'string' }, until: { type: 'string' }, label: { type: 'string' }, recordings: { type: 'boolean' } }, 1);
      const key = str(values.key);
      const until = str(values.until);
      if (!key) throw new UsageError('--key KEY is required (the supervisor key the supervisor sent)');
      if (!isIsoDate(until)) throw new UsageError('--until YYYY-MM-DD is required');
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const e = new Supervisors(s, io.now, vd.crypto).add({ key, label: str(values.label) || (locale === 'nb' ? 'Veileder' : 'Supervisor'), until: until as IsoDate, recordings: Boolean(values.recordings) });
        io.out(values.json ? JSON.stringify({ ok: true, supervisor: e }) : t(locale, 'supervisor.cli.added', { label: e.label, fingerprint: e.fingerprint, until: e.until }));
        // A voice identifies a person: said when they are switched on, and on every share that carries them.
        if (e.recordings) io.err(t(locale, 'supervisor.cli.recordingsWarning'));
        return EXIT.ok;
      });
    }
    case 'list': {
      const { values, positionals } = parse(rest, {}, 1);
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const list = new Supervisors(s, io.now, vd.crypto).list();
        if (values.json) io.out(JSON.stringify({ ok: true, supervisors: list }));
        else if (list.length === 0) io.out(locale === 'nb' ? 'Ingen veiledere.' : 'No supervisors.');
        else for (const e of list) io.out(`${e.id}  ${e.fingerprint}  ${e.label}  until ${e.until}${e.revokedAt ? `  removed ${e.revokedAt.slice(0, 10)}` : ''}${e.lastShare ? `  share v${e.lastShare.version} ${e.lastShare.madeAt.slice(0, 10)}` : ''}`);
        return EXIT.ok;
      });
    }
    case 'remove': {
      const { values, positionals } = parse(rest, {}, 2);
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const students = new Supervisors(s, io.now, vd.crypto);
        const e = students.remove(pickSupervisor(students, positionals[1]!));
        io.out(values.json ? JSON.stringify({ ok: true, supervisor: e }) : t(locale, 'supervisor.cli.removed', { label: e.label, until: e.until }));
        return EXIT.ok;
      });
    }
    default:
      throw new UsageError('expected supervisor init|key|add|list|remove');
  }
}

/** A supervisor by id or fingerprint; with none named, the only one not removed. */
function pickSupervisor(students: Supervisors, which: string | undefined): string {
  const list = students.list();
  if (which) {
    const norm = which.toUpperCase().replace(/-/g, '');
    const e = list.find((x) => x.id === which || x.fingerprint.replace(/-/g, '') === norm);
    if (!e) throw new HvelvError('NOT_FOUND', `no supervisor ${which}`);
    return e.id;
  }
  const active = list.filter((x) => !x.revokedAt);
  if (active.length === 1) return active[0]!.id;
  throw new UsageError(active.length === 0 ? 'no supervisor is added (hvelv supervisor add)' : 'more than one supervisor: name one with --supervisor ID|FINGERPRINT');
}

/** A held share: the one named, or the only one held. */
function pickShare(held: HeldShares, which: string | undefined): string {
  const list = held.list();
  if (which) {
    if (!list.some((h) => h.vaultId === which)) throw new HvelvError('NOT_FOUND', `no share from vault ${which}`);
    return which;
  }
  const open = list.filter((h) => h.state === 'open');
  if (open.length === 1) return open[0]!.vaultId;
  if (open.length === 0 && list.length === 1) return list[0]!.vaultId;
  throw new UsageError(list.length === 0 ? 'no share is held (hvelv share open)' : 'more than one share: name one with --vault ID');
}

function printFindings(io: CliIo, findings: ExchangeFinding[], locale: Locale): void {
  io.err(t(locale, 'supervisor.cli.findingsHeader', { count: findings.length }));
  for (const f of findings) {
    const where = f.where.kind === 'transcript' ? t(locale, 'exchange.where.transcript', { participant: f.where.participant ?? '', line: f.line }) : f.where.kind === 'memo' ? t(locale, 'exchange.where.memo', { line: f.line }) : f.where.kind === 'reply' ? t(locale, 'exchange.where.reply', { line: f.line }) : t(locale, `exchange.where.${f.where.kind}`, { name: f.label ?? '' });
    io.err(`  ${t(locale, 'exchange.finding', { id: f.id, where, kind: f.kind, text: f.text })}`);
  }
}

export async function cmdShare(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, supervisor: { type: 'string' }, accept: { type: 'string', multiple: true }, yes: { type: 'boolean' } }, 1);
      const out = str(values.out);
      if (!out) throw new UsageError('--out FILE.hvelvshare is required');
      const accepted = many(values, 'accept');
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, async (s) => {
        const students = new Supervisors(s, io.now, vd.crypto);
        const id = pickSupervisor(students, str(values.supervisor) || undefined);
        const plan = students.plan(id);
        const open = plan.findings.filter((f) => !accepted.includes(f.id));
        if (open.length > 0) {
          if (values.json) {
            io.out(JSON.stringify({ ok: false, error: { code: 'DETAILS_UNCHECKED', message: `${open.length} finding(s) neither replaced nor accepted` }, findings: open }));
            return EXIT.other;
          }
          printFindings(io, open, locale);
        }
        // The service refuses too (and names an unknown id): the same rule whatever calls it.
        const created = students.create(id, accepted);
        const { made } = created;
        if (!values.json) {
          io.out(t(locale, 'supervisor.cli.shareSummary', { version: made.version, fingerprint: made.fingerprint, until: made.until, ...made.counts }));
          io.out(t(locale, 'supervisor.cli.ownerFingerprint', { fingerprint: plan.ownerFingerprint }));
          if (made.counts.recordings > 0) io.out(t(locale, 'supervisor.cli.shareRecordings', { recordings: made.counts.recordings }));
        }
        if (plan.recordingsWarning) io.err(t(locale, 'supervisor.cli.recordingsWarning'));
        if (plan.smallGroups?.length) io.err(smallGroupsLine(locale, plan.smallGroups));
        if (!values.yes) {
          const answer = io.isTty && !values.json ? await io.promptHidden(t(locale, 'supervisor.cli.confirm', { file: out })) : '';
          if (!/^(ja|yes|j|y)$/i.test(answer.trim())) {
            students.discardShare(created);
            io.out(values.json ? JSON.stringify({ ok: true, written: false, version: made.version }) : t(locale, 'supervisor.cli.notWritten'));
            return EXIT.ok;
          }
        }
        // Re-sealed in a worker; on a terminal, progress on stderr past a second.
        await students.writeShareInWorker(out, created, { onProgress: terminalProgress(io) });
        students.recordShare(id, made);
        io.out(values.json ? JSON.stringify({ ok: true, written: true, out, ...made }) : t(locale, 'supervisor.cli.written', { file: out }));
        return EXIT.ok;
      });
    }
    case 'open': {
      const { values, positionals } = parse(rest, {}, 2);
      // Checked before the passphrase is asked: a file that is not there, or not a file.
      assertRegularFile(positionals[1]!);
      return withFolder(positionals[0]!, values, ctx, async (_s, held) => {
        // The recordings re-sealed in a worker; on a terminal, progress on stderr past a second.
        const h = await held.openInWorker(positionals[1]!, { onProgress: terminalProgress(io) });
        const recordings = held.content(h.vaultId).recordings.length;
        if (values.json) io.out(JSON.stringify({ ok: true, share: h, recordings }));
        else {
          if (recordings > 0) io.out(t(locale, 'supervisor.cli.shareRecordings', { recordings }));
          io.out(t(locale, 'supervisor.cli.opened', { version: h.version, title: h.title, owner: h.ownerFingerprint, until: h.until }));
          io.out(t(locale, 'cli.share.counts', { transcripts: h.counts.transcripts, participants: h.participants.join(', '), codes: h.counts.codes, segments: h.counts.segments, themes: h.counts.themes, memos: h.counts.memos }));
        }
        return EXIT.ok;
      });
    }
    case 'show': {
      const { values, positionals } = parse(rest, { vault: { type: 'string' } }, 2);
      const what = positionals[1]!;
      if (!['transcripts', 'codes', 'themes', 'memos'].includes(what)) throw new UsageError('expected share show <dir> transcripts|codes|themes|memos');
      return withFolder(positionals[0]!, values, ctx, (_s, held) => {
        const vaultId = pickShare(held, str(values.vault) || undefined);
        const c = held.content(vaultId);
        if (what === 'transcripts') {
          const list = c.transcripts.map((x) => held.transcript(vaultId, x.id));
          if (values.json) io.out(JSON.stringify({ ok: true, transcripts: list }));
          else {
            for (const x of list) {
              io.out(`== ${x.participant} (${x.id}) ==`);
              // As the reader says it above the text (issue 26); --json carries which passages (machineSpans).
              if (x.machineText && x.machineText.checked < x.machineText.total) io.out(t(locale, 'mt.note', { checked: x.machineText.checked, total: x.machineText.total }));
              io.out(x.text);
            }
          }
        } else if (what === 'codes') {
          if (values.json) io.out(JSON.stringify({ ok: true, codes: c.codes }));
          else for (const x of c.codes) io.out(`${'  '.repeat(x.path.length - 1)}${x.name}  (${x.segmentCount})${x.definition ? `: ${x.definition}` : ''}`);
        } else if (what === 'themes') {
          if (values.json) io.out(JSON.stringify({ ok: true, themes: c.themes }));
          else for (const x of c.themes) io.out(`${x.name} [${x.status}]  ${x.codeIds.map((id) => c.codes.find((k) => k.id === id)?.name ?? id).join(', ')}`);
        } else if (values.json) io.out(JSON.stringify({ ok: true, memos: c.memos }));
        else for (const m of c.memos) io.out(`${m.id}  ${m.target.kind}  ${m.createdAt.slice(0, 10)}\n${m.text}`);
        return EXIT.ok;
      });
    }
    case 'enforce': {
      // No passphrase: what the daily job on the supervisor's machine runs.
      const { values, positionals } = parse(rest, { now: { type: 'string' }, yes: { type: 'boolean' }, 'owner-key': { type: 'string' } }, 1);
      const requested = str(values.now) ? parseNowOption(str(values.now)) : undefined;
      if (requested === null) throw new UsageError('--now must be a date (YYYY-MM-DD) or an ISO 8601 date-time');
      // The daily job pins the folder's own signing key (as the owner's job pins the owner's):
      // a header re-signed with another key is refused, not trusted because it verifies.
      const pinned = str(values['owner-key']);
      if (pinned && readSupervisorHeader(positionals[0]!, nodeEd25519).keys.sign !== pinned) throw new HvelvError('INTEGRITY', 'the supervisor folder’s header is signed by another key than the one the daily job was installed for');
      // As for the owner's enforce: --now previews; destroying before the day has come needs --yes too.
      const r = enforceSupervisorFolder(positionals[0]!, { verifier: nodeEd25519, now: io.now(), requestedNow: requested, preview: requested !== undefined && !values.yes });
      if (values.json) io.out(JSON.stringify({ ok: true, ...r }));
      else if (r.wouldDestroy) {
        for (const d of r.wouldDestroy) io.out(t(locale, 'supervisor.cli.wouldDestroy', { title: d.title, version: d.version, until: d.until }));
        io.out(t(locale, 'supervisor.cli.previewOnly'));
      } else if (r.destroyedNow.length === 0) io.out(t(locale, 'supervisor.cli.nothingDue'));
      else for (const d of r.destroyedNow) io.out(t(locale, 'supervisor.cli.destroyed', { title: d.title, version: d.version, until: d.until }));
      return EXIT.ok;
    }
    case 'certificate': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, vault: { type: 'string' }, locale: { type: 'string' } }, 1);
      const out = str(values.out);
      if (!out) throw new UsageError('--out FILE is required (.html or .json)');
      return withFolder(positionals[0]!, values, ctx, (_s, held) => {
        const { certificate, signature } = held.certificate(pickShare(held, str(values.vault) || undefined));
        const lang = (str(values.locale) || locale) as Locale;
        const body = path.extname(out).toLowerCase() === '.json' ? `${JSON.stringify({ certificate, signature }, null, 2)}\n` : renderShareCertificateHtml(certificate, signature, lang === 'en' ? 'en' : 'nb');
        writeFileAtomic(out, new TextEncoder().encode(body));
        io.out(values.json ? JSON.stringify({ ok: true, out, certificate }) : t(locale, 'supervisor.cli.written', { file: out }));
        return EXIT.ok;
      });
    }
    case 'verify-certificate': {
      // The student's side: a certificate of deletion checked against the supervisor key in the vault.
      const { values, positionals } = parse(rest, {}, 2);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(readUserFile(positionals[1]!, 4 * 1024 * 1024));
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const r = verifyShareCertificate(s, text, vd.crypto);
        const c = r.certificate;
        if (values.json) io.out(JSON.stringify({ ok: true, ...r }));
        else io.out(t(locale, 'supervisor.cli.certificateValid', { label: r.supervisor.label, fingerprint: r.supervisor.fingerprint, version: c.version, destroyed: c.destroyedAt.slice(0, 10), until: c.until, participants: c.participants.join(', ') || '–' }));
        return EXIT.ok;
      });
    }
    default:
      throw new UsageError('expected share create|open|show|enforce|certificate|verify-certificate');
  }
}

export async function cmdFeedback(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, { on: { type: 'string' }, text: { type: 'string' }, vault: { type: 'string' } }, 1);
      const on = str(values.on);
      const m = /^([a-z]+):(.+)$/.exec(on);
      if (!m || !(FEEDBACK_TARGET_KINDS as readonly string[]).includes(m[1]!)) throw new UsageError('--on code:NAME|theme:NAME|memo:ID|segment:ID is required');
      const text = str(values.text);
      if (!text.trim()) throw new UsageError('--text T is required');
      return withFolder(positionals[0]!, values, ctx, (_s, held) => {
        const vaultId = pickShare(held, str(values.vault) || undefined);
        const kind = m[1] as FeedbackTargetKind;
        const c = held.content(vaultId);
        const ref = m[2]!;
        let id = ref;
        if (kind === 'code') id = c.codes.find((x) => x.id === ref || x.path.join('/') === ref || x.name === ref)?.id ?? '';
        if (kind === 'theme') id = c.themes.find((x) => x.id === ref || x.name === ref)?.id ?? '';
        if (!id) throw new HvelvError('NOT_FOUND', `no ${kind} ${ref} in the share`);
        if (kind === 'code' && c.codes.filter((x) => x.name === ref).length > 1) throw new UsageError(`two codes are called ${ref}: give the path Parent/Child or the id`);
        const comment = held.addComment(vaultId, { kind, id }, text);
        io.out(values.json ? JSON.stringify({ ok: true, comment }) : comment.id);
        return EXIT.ok;
      });
    }
    case 'export': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, vault: { type: 'string' } }, 1);
      const out = str(values.out);
      if (!out) throw new UsageError('--out FILE.hvelvfeedback is required');
      return withFolder(positionals[0]!, values, ctx, (_s, held) => {
        const r = held.exportFeedback(pickShare(held, str(values.vault) || undefined));
        writeFileAtomic(out, r.bytes);
        io.out(values.json ? JSON.stringify({ ok: true, out, comments: r.comments }) : t(locale, 'supervisor.cli.written', { file: out }));
        return EXIT.ok;
      });
    }
    case 'import': {
      const { values, positionals } = parse(rest, {}, 2);
      if (!fs.existsSync(positionals[1]!)) throw new UsageError(`${positionals[1]} does not exist`);
      const bytes = readUserFile(positionals[1]!, FEEDBACK_MAX_BYTES);
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const r = new Supervisors(s, io.now, vd.crypto).importFeedback(bytes, vd.crypto);
        if (values.json) io.out(JSON.stringify({ ok: true, ...r }));
        else {
          io.out(t(locale, 'supervisor.cli.feedbackImported', { added: r.added, comments: r.comments, label: r.label, fingerprint: r.fingerprint }));
          if (r.flagged.length) io.err(t(locale, 'supervisor.cli.feedbackFlagged', { count: r.flagged.length, ids: r.flagged.join(', ') }));
          if (r.dropped) io.out(t(locale, 'supervisor.cli.feedbackDropped', { count: r.dropped }));
          if (r.supervisorRemoved) io.out(t(locale, 'supervisor.cli.feedbackFromRemoved'));
        }
        return EXIT.ok;
      });
    }
    case 'list': {
      // The student's side: the comments imported, with ids and flagged details (positions in code points).
      const { values, positionals } = parse(rest, {}, 1);
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const list = new Supervisors(s, io.now, vd.crypto).comments();
        if (values.json) io.out(JSON.stringify({ ok: true, comments: list }));
        else if (list.length === 0) io.out(locale === 'nb' ? 'Ingen kommentarer.' : 'No comments.');
        else
          for (const c of list) {
            io.out(`${c.id}  ${c.target.kind} ${c.targetLabel}  ${c.createdAt.slice(0, 10)}  ${c.fingerprint}${c.supervisorRemoved ? (locale === 'nb' ? '  (fjernet veileder)' : '  (removed supervisor)') : ''}${c.resolved ? '  ✓' : ''}\n  ${c.text.replace(/\n/g, '\n  ')}`);
            for (const f of c.flags) io.out(`  ! ${f.kind} ${f.start}-${f.end}: ${f.text}`);
          }
        return EXIT.ok;
      });
    }
    case 'redact': {
      // `hvelv feedback redact <vault> ID --text "915 55 123" --with [telefon] [--occurrence N]`
      const { values, positionals } = parse(rest, { text: { type: 'string' }, with: { type: 'string' }, occurrence: { type: 'string' } }, 2);
      const text = str(values.text);
      const placeholder = str(values.with);
      if (!text) throw new UsageError('--text T is required (the words to replace)');
      if (!placeholder) throw new UsageError('--with [PLACEHOLDER] is required, such as [telefon]');
      const occurrence = str(values.occurrence) ? Number(str(values.occurrence)) : 1;
      if (!Number.isInteger(occurrence) || occurrence < 1) throw new UsageError('--occurrence must be 1 or more');
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        const students = new Supervisors(s, io.now, vd.crypto);
        const c = students.comments().find((x) => x.id === positionals[1]);
        if (!c) throw new HvelvError('NOT_FOUND', `no comment ${positionals[1]}`);
        let at = -1;
        for (let n = 0; n < occurrence; n++) {
          at = c.text.indexOf(text, at + 1);
          if (at < 0) throw new HvelvError('NOT_FOUND', `the comment does not hold “${text}”${occurrence > 1 ? ` ${occurrence} times` : ''}`);
        }
        const start = [...c.text.slice(0, at)].length;
        const r = students.redact(c.id, { start, end: start + [...text].length, expected: text, with: placeholder });
        io.out(values.json ? JSON.stringify({ ok: true, comment: r }) : r.text);
        return EXIT.ok;
      });
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a comment cannot be undone: add --yes');
      const vd = await ctx.vaultDeps();
      return withSession(positionals[0]!, values, io, vd, (s) => {
        new Supervisors(s, io.now, vd.crypto).deleteComment(positionals[1]!);
        io.out(values.json ? JSON.stringify({ ok: true, deleted: positionals[1] }) : locale === 'nb' ? 'Kommentaren er slettet.' : 'The comment is deleted.');
        return EXIT.ok;
      });
    }
    default:
      throw new UsageError('expected feedback add|export|import|list|redact|delete');
  }
}
