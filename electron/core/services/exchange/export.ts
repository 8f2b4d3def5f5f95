/**
 * Exporting the analysis as a REFI-QDA project (.qdpx) or codebook (.qdc), for a
 * supervisor, a co-author or an archive that works in NVivo, ATLAS.ti, MAXQDA or
 * QualCoder.
 *
 * What leaves the vault is de-identified by the student's own decision, one finding
 * at a time: the identifying-details check runs over everything the file would hold
 * (every transcript, code and theme names and definitions, the memos that go out) and
 * each finding must be replaced in Hvelv or accepted by its id, as for a supervisor
 * share. Private memos never go out. Recordings only on request: a voice identifies
 * a person whatever the transcript says.
 *
 * Written like every export: under a temporary name noted in the export journal and
 * renamed when complete; audited with counts and participant codes, never text (the
 * audit log is the vault's record of exports, which withdrawal and the end date show).
 */
import { createHash } from 'node:crypto';
import type { Code, Memo, Segment, Theme } from '../../../../shared/analysis';
import type { ExchangeFinding, ExportPlan } from '../../../../shared/exchange';
import { T, type Identity } from '../../consent/model';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Codebook } from '../analysis/codebook';
import { Coding } from '../analysis/coding';
import { writeExport } from '../analysis/export-file';
import { Memos } from '../analysis/memos';
import { Themes } from '../analysis/themes';
import { findIdentifiers, knownDetails, NO_KNOWN_DETAILS, type KnownDetails } from '../deidentify/deidentify';
import { Recordings } from '../recordings/recordings';
import { Attributes } from '../attributes/attributes';
import { smallGroups } from '../attributes/groups';
import { attributeFindings, outgoingAttributeTexts } from '../attributes/outgoing';
import { TRANSCRIPT_TABLE, Transcripts, type TranscriptRecord } from '../transcripts/transcripts';
import type { DeidFinding } from '../../../../shared/contract';
import { emptyProject, type Guid, type QdaAudioSource, type QdaCode, type QdaNote, type QdaProject, type QdaTextSource } from './qda-model';
import { packCodebook, packQdpx } from './qdpx';
import { normaliseWithMap, TextPositions } from './positions';
import { requireAccepted, toExchangeFindings } from './findings';
import { machineCount } from '../transcripts/machine-text';
import { hasUncheckedMachineText } from '../../../../shared/machine-text';
import { translate } from '../../../../shared/i18n/catalogue';

export type { ExchangeFinding, ExportPlan };

export interface QdpxOptions {
  recordings?: boolean;
  crlf?: boolean;
}


interface Gathered {
  transcripts: { id: string; participant: string; data: TranscriptRecord }[];
  codes: Code[];
  themes: Theme[];
  segments: Map<string, Segment[]>;
  memos: Memo[];
  privateMemos: number;
}

/** A GUID derived from the vault and the record, so a second export of the same vault keeps its GUIDs. */
function stableGuid(vaultId: string, kind: string, id: string): Guid {
  const h = createHash('sha256').update(`hvelv-qdpx:${vaultId}:${kind}:${id}`).digest('hex');
  // Version 5-style name-based GUID: version nibble 5, RFC 4122 variant.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Exchange {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private gather(): Gathered {
    const store = this.session.stores.transcripts;
    const transcripts = store
      .list<TranscriptRecord>(TRANSCRIPT_TABLE)
      .filter((r) => r.participant)
      .map((r) => ({ id: r.id, participant: r.participant!, data: r.data }))
      .sort((a, b) => a.participant.localeCompare(b.participant) || a.data.createdAt.localeCompare(b.data.createdAt));
    const coding = new Coding(this.session, this.now);
    const segments = new Map(transcripts.map((t) => [t.id, coding.forTranscript(t.id)]));
    const all = new Memos(this.session, this.now).list();
    const memos = all.filter((m) => !m.private).reverse();
    return {
      transcripts,
      codes: new Codebook(this.session, this.now).list(),
      themes: new Themes(this.session, this.now).list(),
      segments,
      memos,
      privateMemos: all.length - memos.length,
    };
  }

  private known(): KnownDetails {
    const keylist = this.session.stores.keylist;
    if (keylist.destroyed) return NO_KNOWN_DETAILS;
    return knownDetails(keylist.list<Identity>(T.identity).map((r) => r.data));
  }

  private findings(g: Gathered, format: 'qdpx' | 'qdc'): ExchangeFinding[] {
    const known = this.known();
    const out: ExchangeFinding[] = [];
    // The student's "not identifying" choices are the project's (i16), for every text.
    const transcripts = new Transcripts(this.session, this.now);
    const kept = transcripts.choices();
    const look = (text: string, where: ExchangeFinding['where'], label: string | null, given?: readonly DeidFinding[]): void => {
      if (!text) return;
      out.push(...toExchangeFindings(text, where, label, given ?? findIdentifiers(text, known, kept.terms, kept.keyList)));
    };
    // The file names the project: what its title says leaves the vault too.
    const facts = this.session.facts;
    look(facts.title, { kind: 'project', id: 'title', field: 'name', participant: null }, facts.title);
    // The user is the student, by the name in the project facts, as the standard asks: the
    // student's own name is no participant's data and is not a finding to accept each time.
    for (const c of g.codes) {
      look(c.name, { kind: 'code', id: c.id, field: 'name', participant: null }, c.name);
      look(c.definition, { kind: 'code', id: c.id, field: 'definition', participant: null }, c.name);
    }
    for (const t of g.themes) {
      look(t.name, { kind: 'theme', id: t.id, field: 'name', participant: null }, t.name);
      look(t.definition, { kind: 'theme', id: t.id, field: 'definition', participant: null }, t.name);
    }
    if (format === 'qdpx') {
      // Transcripts through their own check: the same findings the transcript screen shows.
      for (const t of g.transcripts) look(t.data.text, { kind: 'transcript', id: t.id, field: 'text', participant: t.participant }, t.participant, transcripts.check(t.id).findings);
      for (const m of g.memos) look(m.text, { kind: 'memo', id: m.id, field: 'text', participant: m.participant }, null);
      // Attribute names and values go out as Variables: read as any text leaving the vault (a county is Hvelv's own generalisation).
      const among = new Set(g.transcripts.map((t) => t.participant));
      for (const o of outgoingAttributeTexts(this.session, this.now, among)) {
        look(o.text, { kind: 'attribute', id: o.attribute.id, field: o.field === 'value' ? 'text' : 'name', participant: null }, o.attribute.name, attributeFindings(o.text, known, kept.terms, kept.keyList));
      }
    }
    return out;
  }

  /** What an export would hold and the findings that must be dealt with first. Reads only. */
  plan(format: 'qdpx' | 'qdc', opts: QdpxOptions = {}): ExportPlan {
    const g = this.gather();
    return this.planFrom(g, format, opts, this.recordingsFor(g, format === 'qdpx' && Boolean(opts.recordings)));
  }

  private planFrom(g: Gathered, format: 'qdpx' | 'qdc', opts: QdpxOptions, recordings: Map<string, { recordingId: string; format: string }>): ExportPlan {
    const findings = this.findings(g, format);
    const live = [...g.segments.values()].flat().filter((s) => s.orphanedAt === null);
    const isQdpx = format === 'qdpx';
    return {
      format,
      findings,
      participants: isQdpx ? [...new Set(g.transcripts.map((t) => t.participant))].sort() : [],
      counts: {
        transcripts: isQdpx ? g.transcripts.length : 0,
        codes: g.codes.length,
        segments: isQdpx ? live.length : 0,
        themes: g.themes.length,
        memos: isQdpx ? g.memos.length : 0,
        privateMemosLeftOut: isQdpx ? g.privateMemos : 0,
        recordings: recordings.size,
        orphansLeftOut: isQdpx ? [...g.segments.values()].flat().length - live.length : 0,
      },
      recordingsWarning: isQdpx && Boolean(opts.recordings) && recordings.size > 0,
      ...(isQdpx ? { smallGroups: this.smallGroupsOut(g) } : {}),
    };
  }

  /** The combinations of the attribute values a .qdpx carries that five or fewer of its participants hold. */
  private smallGroupsOut(g: Gathered): ExportPlan['smallGroups'] {
    const { attributes } = new Attributes(this.session, this.now).shareable();
    if (attributes.length === 0) return [];
    const out = new Set(g.transcripts.map((t) => t.participant));
    return smallGroups(this.session, this.now, attributes.map((a) => a.name), out);
  }

  /** The recording of each transcript that still has one (none after the end date deletes them). */
  private recordingsFor(g: Gathered, wanted: boolean): Map<string, { recordingId: string; format: string }> {
    const out = new Map<string, { recordingId: string; format: string }>();
    if (!wanted || this.session.stores.recordings.destroyed) return out;
    const recordings = new Map(new Recordings(this.session, this.now).list().map((r) => [r.id, r]));
    for (const t of g.transcripts) {
      const r = t.data.recordingId ? recordings.get(t.data.recordingId) : undefined;
      if (r) out.set(t.id, { recordingId: r.id, format: r.format });
    }
    return out;
  }

  exportQdpx(out: string, opts: QdpxOptions & { accepted: readonly string[] }): ExportPlan {
    const g = this.gather();
    const recordings = this.recordingsFor(g, Boolean(opts.recordings));
    const plan = this.planFrom(g, 'qdpx', opts, recordings);
    requireAccepted(plan.findings, opts.accepted);
    const input = this.build(g, recordings);
    const bytes = packQdpx({ ...input, crlf: opts.crlf });
    this.write(out, bytes);
    this.audit('qdpx', plan, opts);
    return plan;
  }

  /** Write a .qdc (the codebook alone: codes with hierarchy, colours and definitions; themes as sets). */
  exportQdc(out: string, opts: { accepted: readonly string[] }): ExportPlan {
    const g = this.gather();
    const plan = this.planFrom(g, 'qdc', {}, new Map());
    requireAccepted(plan.findings, opts.accepted);
    const guid = (kind: string, id: string) => stableGuid(this.session.vaultId, kind, id);
    const sets = g.themes.map((t) => ({ guid: guid('theme', t.id), name: t.name, description: t.definition || undefined, memberCodes: t.codeIds.map((c) => guid('code', c)), memberSources: [], memberNotes: [] }));
    this.write(out, packCodebook({ origin: 'Hvelv', codes: codeTree(g.codes, guid, new Map()), sets }));
    this.audit('qdc', plan, { accepted: opts.accepted });
    return plan;
  }

  /** Through the export journal (a9's writeExport); a file system's refusal is IO, not a bug. */
  private write(out: string, bytes: Uint8Array): void {
    try {
      writeExport(this.session, this.now, out, bytes);
    } catch (err) {
      if (err instanceof HvelvError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new HvelvError(code === 'ENOSPC' ? 'DISK_FULL' : 'IO', `cannot write ${out} (${code ?? 'error'})`, { cause: err });
    }
  }

  private audit(format: 'qdpx' | 'qdc', plan: ExportPlan, opts: QdpxOptions & { accepted: readonly string[] }): void {
    this.session.audit.append('exchange.exported', {
      details: {
        format,
        participants: plan.participants.join(','),
        ...plan.counts,
        crlf: Boolean(opts.crlf),
        findingsAccepted: opts.accepted.length,
      },
    });
  }

  private build(g: Gathered, recordings: Map<string, { recordingId: string; format: string }>): { project: QdaProject; texts: Map<Guid, string>; media: Map<Guid, { bytes: Uint8Array; extension: string }> } {
    const guid = (kind: string, id: string) => stableGuid(this.session.vaultId, kind, id);
    const at = this.now().toISOString();
    const user = guid('user', 'student');
    const project = emptyProject(this.session.facts.title || 'Hvelv');
    project.origin = 'Hvelv';
    project.creatingUser = user;
    project.creationDateTime = at;
    project.users = [{ guid: user, name: this.session.facts.student || undefined }];

    // Memos become Notes, each referred to from where it belongs.
    const noteRefs = new Map<string, Guid[]>();
    const refer = (key: string, g2: Guid) => noteRefs.set(key, [...(noteRefs.get(key) ?? []), g2]);
    for (const m of g.memos) {
      const n: QdaNote = { guid: guid('memo', m.id), name: memoName(m), plainTextContent: m.text, creatingUser: user, creationDateTime: m.createdAt };
      project.notes.push(n);
      const t = m.target;
      refer(t.kind === 'project' || t.kind === 'journal' ? 'project' : `${t.kind}:${t.id}`, n.guid);
    }
    project.noteRefs = noteRefs.get('project') ?? [];
    project.codes = codeTree(g.codes, guid, noteRefs);

    const texts = new Map<Guid, string>();
    const media = new Map<Guid, { bytes: Uint8Array; extension: string }>();
    const sourcesOf = new Map<string, Guid[]>();
    const names = new Map<string, number>();
    for (const t of g.transcripts) {
      // Transcripts are stored NFC with LF; should one hold a CR, positions follow the change.
      const { text, map } = normaliseWithMap(t.data.text);
      const n = (names.get(t.participant) ?? 0) + 1;
      names.set(t.participant, n);
      const source: QdaTextSource = {
        kind: 'text',
        guid: guid('transcript', t.id),
        name: n === 1 ? t.participant : `${t.participant} (${n})`,
        selections: [],
        noteRefs: noteRefs.get(`transcript:${t.id}`) ?? [],
        values: [],
        creatingUser: user,
        creationDateTime: t.data.createdAt,
      };
      // An automatic draft with passages nobody checked against the recording says so where
      // every QDA program shows a document's description (issue 26). In English, as the
      // project's other descriptions: the export has no language of its own.
      const machine = machineCount(t.data);
      if (hasUncheckedMachineText(machine)) source.description = translate('en', 'mt.note', { checked: machine!.checked, total: machine!.total });
      for (const s of g.segments.get(t.id) ?? []) {
        if (s.orphanedAt !== null) continue;
        source.selections.push({
          guid: guid('segment', s.id),
          start: map.map(s.start, 'start'),
          end: map.map(s.end, 'end'),
          codings: s.codeIds.map((c) => ({ guid: guid('coding', `${s.id}:${c}`), codeRef: guid('code', c), creatingUser: user, creationDateTime: s.createdAt })),
          noteRefs: noteRefs.get(`segment:${s.id}`) ?? [],
          creatingUser: user,
          creationDateTime: s.createdAt,
        });
      }
      project.sources.push(source);
      texts.set(source.guid, text);
      sourcesOf.set(t.participant, [...(sourcesOf.get(t.participant) ?? []), source.guid]);

      const rec = recordings.get(t.id);
      if (rec) {
        const audio: QdaAudioSource = { kind: 'audio', guid: guid('recording', rec.recordingId), name: source.name, transcripts: [], noteRefs: [], creatingUser: user };
        const pos = new TextPositions(t.data.text);
        const transcript = { guid: guid('recording-transcript', t.id), name: source.name, syncPoints: t.data.syncPoints.map((p, i) => ({ guid: guid('sync', `${t.id}:${i}`), timeStamp: p.ms, position: map.map(pos.toCodePoint(p.offset) ?? 0, 'start') })) };
        audio.transcripts.push(transcript);
        texts.set(transcript.guid, text);
        media.set(audio.guid, { bytes: this.recordingBytes(rec.recordingId), extension: rec.format });
        project.sources.push(audio);
        sourcesOf.set(t.participant, [...(sourcesOf.get(t.participant) ?? []), audio.guid]);
      }
    }
    // Participants as Cases: their code (also as a Variable, so the tools can group and
    // filter by it) and their attribute values as Variables: only attributes not marked
    // identifying, only generalised values (an exact value the student kept stays home).
    // Every value is Text: a band ("50-59") is no Integer.
    const codeVariable = guid('variable', 'participant-code');
    const shared = new Attributes(this.session, this.now).shareable();
    // Only attributes a Case carries a value of: the check (outgoing.ts) reads the name and
    // labels of those, so an attribute with no value going out takes neither out unchecked.
    const carried = new Set([...sourcesOf.keys()].flatMap((code) => (shared.values.get(code) ?? []).map((v) => v.attributeId)));
    if (sourcesOf.size) {
      project.variables = [
        { guid: codeVariable, name: 'Participant code', type: 'Text', description: 'The participant’s code in Hvelv (pseudonym)' },
        ...shared.attributes.filter((a) => carried.has(a.id)).map((a) => ({ guid: guid('attribute', a.id), name: a.name, type: 'Text' as const, description: a.labels.nb === a.labels.en ? a.labels.nb : `${a.labels.nb} / ${a.labels.en}` })),
      ];
    }
    project.cases = [...sourcesOf].map(([code, refs]) => ({
      guid: guid('participant', code),
      name: code,
      values: [{ variable: codeVariable, type: 'Text' as const, value: code }, ...(shared.values.get(code) ?? []).map((v) => ({ variable: guid('attribute', v.attributeId), type: 'Text' as const, value: v.value }))],
      sourceRefs: refs,
    }));
    // The standard has no themes: each becomes a Set of its codes, its memos as member notes.
    project.sets = g.themes.map((t) => ({
      guid: guid('theme', t.id),
      name: t.name,
      description: t.definition || undefined,
      memberCodes: t.codeIds.map((c) => guid('code', c)),
      memberSources: [],
      memberNotes: noteRefs.get(`theme:${t.id}`) ?? [],
    }));
    return { project, texts, media };
  }

  private recordingBytes(id: string): Uint8Array {
    const reader = new Recordings(this.session, this.now).open(id);
    try {
      // The end is inclusive.
      return reader.plainSize === 0 ? new Uint8Array(0) : reader.read(0, reader.plainSize - 1);
    } finally {
      reader.close();
    }
  }
}

function memoName(m: Memo): string {
  return `${m.target.kind === 'journal' ? 'Journal' : 'Memo'} ${m.createdAt.slice(0, 10)}`;
}

function codeTree(codes: readonly Code[], guid: (kind: string, id: string) => Guid, noteRefs: Map<string, Guid[]>): QdaCode[] {
  const byParent = new Map<string | null, Code[]>();
  for (const c of codes) byParent.set(c.parentId, [...(byParent.get(c.parentId) ?? []), c]);
  const build = (parent: string | null): QdaCode[] =>
    (byParent.get(parent) ?? []).map((c) => ({
      guid: guid('code', c.id),
      name: c.name,
      isCodable: c.codable,
      color: c.color,
      description: c.definition || undefined,
      noteRefs: noteRefs.get(`code:${c.id}`) ?? [],
      children: build(c.id),
    }));
  return build(null);
}
