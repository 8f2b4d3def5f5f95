/**
 * The supervisor's side: a share's decrypted content checked in full before anything is
 * kept or read. The signature says who made a share, not that it is well made: the
 * supervisor key is public, so anyone can make one (trust on first use pins the owner only
 * after the first). A share whose segments point at a transcript it does not hold would
 * otherwise surface later as a TypeError in the reader; here it is a clear INTEGRITY error
 * and nothing is imported.
 *
 * Codes, themes, memos and segments have their exact shapes (shared/analysis.ts), and every
 * reference a reader follows must resolve: a segment's transcript, participant, range and
 * codes; a code's and a theme's parent; a theme's codes. The top level and the transcripts
 * are left open to fields this version does not know (a newer student's Hvelv may add some;
 * this one ignores them).
 */
import { z } from 'zod';
import { COLOR_RE, DEFINITION_MAX, MEMO_MAX, NAME_MAX, PHASES, THEME_STATUSES } from '../../../../shared/analysis';
import { TextPositions } from '../../../../shared/analysis-text';
import { hasControlCharacter } from '../../../../shared/domain';
import { HvelvError, integrity } from '../../errors';
import { MACHINE_SPANS_VERSION, passagesOf } from '../../../../shared/machine-text';
import type { SharePayload } from './share-file';

const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const code = z.string().regex(/^[A-Z][A-Z0-9]{0,7}[0-9]{2,4}$/);
const at = z.iso.datetime();
const count = z.number().int().min(0);
/** A name shown on one line (and printed by `share show`): no control characters. */
const name = z.string().min(1).max(NAME_MAX).refine((n) => !hasControlCharacter(n), 'a name may not hold control characters');
const definition = z.string().max(DEFINITION_MAX);

const codeSchema = z.strictObject({
  id: hexId,
  name,
  definition,
  color: z.string().regex(COLOR_RE),
  parentId: hexId.nullable(),
  path: z.array(name).min(1).max(100),
  createdAt: at,
  updatedAt: at,
  segmentCount: count,
  transcriptCount: count,
  themeIds: z.array(hexId),
  codable: z.boolean(),
});

const themeSchema = z.strictObject({
  id: hexId,
  name,
  definition,
  status: z.enum(THEME_STATUSES),
  parentId: hexId.nullable(),
  codeIds: z.array(hexId),
  createdAt: at,
  updatedAt: at,
  segmentCount: count,
  transcriptCount: count,
});

const memoTarget = z.union([z.strictObject({ kind: z.enum(['project', 'journal']) }), z.strictObject({ kind: z.enum(['transcript', 'code', 'theme', 'segment']), id: hexId })]);

const memoSchema = z.strictObject({
  id: hexId,
  target: memoTarget,
  participant: code.nullable(),
  text: z.string().max(MEMO_MAX),
  // A private memo never leaves the student's vault; one in a share is refused, not shown.
  private: z.literal(false),
  phase: z.enum(PHASES),
  createdAt: at,
  updatedAt: at,
});

const segmentSchema = z.strictObject({
  id: hexId,
  transcriptId: hexId,
  participant: code,
  start: count,
  end: count,
  text: z.string(),
  codeIds: z.array(hexId).min(1),
  quote: z.boolean(),
  // Orphans stay in the student's vault.
  orphanedAt: z.null(),
  createdAt: at,
  updatedAt: at,
});

const payloadSchema = z.looseObject({
  phase: z.strictObject({ current: z.enum(PHASES), history: z.array(z.strictObject({ phase: z.enum(PHASES), at })) }),
  codes: z.array(codeSchema),
  themes: z.array(themeSchema),
  memos: z.array(memoSchema),
  transcripts: z.array(
    z.looseObject({
      id: hexId,
      participant: code,
      text: z.string(),
      syncPoints: z.array(z.strictObject({ offset: count, ms: z.number().min(0) })),
      createdAt: at,
      machineText: z.strictObject({ checked: count, total: count }).nullable().optional(),
      // Its version first: one this Hvelv does not know is refused below, not read as something else.
      machineSpans: z.looseObject({ version: z.number().int().min(1) }).nullable().optional(),
    }),
  ),
  segments: z.array(segmentSchema),
  replies: z.array(z.strictObject({ commentId: hexId, replies: z.array(z.strictObject({ id: hexId, text: z.string().max(20_000), at })), resolved: z.boolean() })),
  feedbackKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  attributes: z
    .strictObject({
      attributes: z.array(z.strictObject({ id: hexId, name, labels: z.strictObject({ nb: name, en: name }) })).max(1000),
      values: z.array(z.strictObject({ participant: code, attributeId: hexId, value: z.string().min(1).max(200).refine((v) => !hasControlCharacter(v), 'a value may not hold control characters') })).max(100_000),
    })
    .optional(),
});

const spansV1 = z.strictObject({ version: z.literal(MACHINE_SPANS_VERSION), spans: z.array(z.strictObject({ ms: z.number().min(0), start: count, end: count })).max(1_000_000) });

/**
 * Which passages are unchecked machine text (issue 26): of a version this Hvelv knows, in
 * the text, in order, one per unchecked passage the count names. A newer version is
 * refused with SHARE_NEEDS_NEWER: reading past it would show unchecked machine text as if
 * it were checked.
 */
function checkMachineSpans(t: SharePayload['transcripts'][number], bad: (what: string) => never): void {
  const m = t.machineSpans;
  if (m === undefined || m === null) return;
  if (m.version !== MACHINE_SPANS_VERSION) throw new HvelvError('SHARE_NEEDS_NEWER', `transcript ${t.id} marks its machine text in version ${m.version} of the format, which this Hvelv does not read`);
  const parsed = spansV1.safeParse(m);
  if (!parsed.success) bad(`transcript ${t.id}'s machine-text marks are malformed`);
  const count = t.machineText;
  if (!count || count.checked > count.total || m.spans.length !== count.total - count.checked) bad(`transcript ${t.id}'s machine-text marks do not match its count`);
  const pos = new TextPositions(t.text);
  let after = 0;
  for (const p of m.spans) {
    if (p.start < after || p.end <= p.start || p.end > pos.codePoints) bad(`transcript ${t.id}'s machine-text marks reach outside the text or overlap`);
    after = p.end;
  }
  // Each mark is a whole passage of the text, with its stamp's time (as the student's
  // Hvelv made it): a mark over part of one would show the rest of it as checked.
  if (m.spans.length === 0) return;
  const passages = new Map(passagesOf(t.text).map((p) => [pos.toCodePoint(p.start)!, p]));
  for (const p of m.spans) {
    const passage = passages.get(p.start);
    if (!passage || pos.toCodePoint(passage.end) !== p.end || passage.ms !== p.ms) bad(`transcript ${t.id}'s machine-text marks are not the passages of its text`);
  }
}

/** The payload as the reader may rely on it; INTEGRITY (naming the first problem) otherwise. */
export function checkSharePayload(payload: SharePayload): SharePayload {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw integrity(`the share’s content is malformed (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  const bad = (what: string): never => {
    throw integrity(`the share’s content does not hold together: ${what}`);
  };
  const unique = (kind: string, ids: string[]): Set<string> => {
    const set = new Set(ids);
    if (set.size !== ids.length) bad(`two ${kind} have the same id`);
    return set;
  };
  if (payload.attributes) {
    const ids = unique('attributes', payload.attributes.attributes.map((a) => a.id));
    const shared = new Set(payload.transcripts.map((t) => t.participant));
    for (const v of payload.attributes.values) {
      if (!ids.has(v.attributeId)) bad('a participant\'s value is of an attribute the share does not hold');
      if (!shared.has(v.participant)) bad('an attribute value is of a participant the share holds nothing of');
    }
  }
  const codes = unique('codes', payload.codes.map((c) => c.id));
  const themes = unique('themes', payload.themes.map((t) => t.id));
  unique('memos', payload.memos.map((m) => m.id));
  unique('segments', payload.segments.map((s) => s.id));
  const transcripts = new Map<string, { participant: string; length: number }>();
  for (const t of payload.transcripts) {
    if (transcripts.has(t.id)) bad('two transcripts have the same id');
    transcripts.set(t.id, { participant: t.participant, length: new TextPositions(t.text).codePoints });
    checkMachineSpans(t, bad);
  }
  for (const c of payload.codes) {
    if (c.parentId !== null && !codes.has(c.parentId)) bad(`code ${c.id} has a parent that is not in the share`);
    if (c.path.at(-1) !== c.name) bad(`code ${c.id}'s path does not end in its name`);
  }
  for (const t of payload.themes) {
    if (t.parentId !== null && !themes.has(t.parentId)) bad(`theme ${t.id} has a parent that is not in the share`);
    for (const c of t.codeIds) if (!codes.has(c)) bad(`theme ${t.id} holds a code that is not in the share`);
  }
  for (const s of payload.segments) {
    const t = transcripts.get(s.transcriptId);
    if (!t) bad(`segment ${s.id} is in a transcript that is not in the share`);
    if (t!.participant !== s.participant) bad(`segment ${s.id} names another participant than its transcript`);
    if (s.start > s.end || s.end > t!.length) bad(`segment ${s.id} reaches outside its transcript`);
    for (const c of s.codeIds) if (!codes.has(c)) bad(`segment ${s.id} carries a code that is not in the share`);
  }
  return payload;
}
