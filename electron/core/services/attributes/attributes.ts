/**
 * Participant attributes: what the student defines (a role, an age band, a kind of
 * workplace) and each participant's values, to compare coded passages across them.
 *
 * It owns the letter's promises about these facts as about the rest of a person's data:
 * a value is sealed under the participant's own key (so withdrawal destroys it with the
 * key, and the access request lists it: holdings.ts), and a value of an attribute marked
 * identifying is kept in the key list's store, not beside the transcripts, so the end date
 * deletes it with the key list ("anonymised when the project ends"), even when nobody
 * opens Hvelv. Generalised by default: an exact value that narrows is held as its band or
 * county unless the student insists (generalise.ts), and a combination of values held by
 * five or fewer people is warned of (groups.ts). An exact value the student insisted on,
 * of an attribute not marked identifying, is kept in the key list's store too, over its
 * generalised value beside the transcripts: the end date deletes it with the key list and
 * leaves the generalised value, so it does not outlive "anonymised when the project ends".
 * Records are read through the session's cache (cache.ts), not decrypted on every call.
 *
 * | store        | table             | participant | id                  | holds                            |
 * | ------------ | ----------------- | ----------- | ------------------- | -------------------------------- |
 * | transcripts  | `attribute`       | null        | random              | name, kind, labels, list, flag   |
 * | transcripts  | `attribute_value` | the person  | attribute id:code   | a value (not identifying)        |
 * | keylist      | `attribute_value` | the person  | attribute id:code   | a value of an identifying one    |
 * | keylist      | `attribute_exact` | the person  | attribute id:code   | an exact value insisted on, of a |
 * |              |                   |             |                     | not identifying one (its         |
 * |              |                   |             |                     | generalised value: transcripts)  |
 */
import { daysUntil, localIsoDate } from '../../../../shared/domain';
import { ATTRIBUTE_KINDS, type Attribute, type AttributeKind, type AttributeValue, type Suggestion, type WhereClause } from '../../../../shared/attributes';
import type { Locale } from '../../../../shared/i18n/locale';
import { assertConsent } from '../../consent/gate';
import { T, type RegistryEntry } from '../../consent/model';
import { HvelvError } from '../../errors';
import type { RecordStore } from '../../stores/record-store';
import type { VaultSession } from '../../vault/vault';
import { attributeCache } from './cache';
import { suggest } from './generalise';

export const ATTR = { definition: 'attribute', value: 'attribute_value', exact: 'attribute_exact' } as const;

export interface AttributeRecord {
  name: string;
  kind: AttributeKind;
  labels: { nb: string; en: string };
  values: string[];
  identifying: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ValueRecord {
  attributeId: string;
  value: string;
  exact: boolean;
  setAt: string;
}

/** The exact value over a generalised one (keylist `attribute_exact`). */
export interface ExactRecord {
  attributeId: string;
  value: string;
  setAt: string;
}

const NAME_MAX = 60;
const VALUE_MAX = 200;
/**
 * Far more than a study compares by (a handful), and a bound on what a crafted .qdpx can
 * make Hvelv define and keep (import.ts checks it before writing anything).
 */
export const MAX_ATTRIBUTES = 100;
export const MAX_LIST_VALUES = 100;
/** Values one import may set: a hundred attributes of a hundred participants. */
export const MAX_IMPORTED_VALUES = 10_000;
export const fold = (s: string): string => s.normalize('NFC').trim().toLocaleLowerCase('nb');
/**
 * A value as given, in the form generalisation reads: compatibility forms folded (NFKC:
 * full-width "５２" is "52") and invisible format characters taken out (a zero-width
 * space in "4\u200b7" would hide an age from its band and send it out as if generalised).
 */
const cleanGiven = (raw: string): string => raw.normalize('NFKC').replace(/\p{Cf}/gu, '').trim();
/** Digits other than 0-9 (Arabic-Indic, Devanagari...): NFKC keeps them and no rule reads them. */
const OTHER_DIGIT = /(?![0-9])\p{Nd}/u;
const valueId = (attributeId: string, code: string): string => `${attributeId}:${code}`;

const DATE = /^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$|^\d{4}\s*[-–]\s*\d{4}$/;
const NUMBER_OR_BAND = /^-?\d+([.,]\d+)?(\s*\p{L}+)?$|^\d+\s*[-–]\s*\d+(\s*\p{L}+)?$|^\d+\s*\+(\s*\p{L}+)?$/u;

export interface SetResult {
  stored: AttributeValue;
  /** What Hvelv suggested instead of the value given (null: nothing to generalise). */
  suggestion: Suggestion | null;
  /** The value given was replaced by the suggestion. */
  generalised: boolean;
}

export class Attributes {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get defs(): RecordStore {
    return this.session.stores.transcripts;
  }

  /** Where an attribute's values are kept: the key list for identifying ones. */
  private storeFor(a: Pick<Attribute, 'identifying'>): RecordStore | null {
    const s = a.identifying ? this.session.stores.keylist : this.session.stores.transcripts;
    return s.destroyed ? null : s;
  }

  list(): Attribute[] {
    if (this.defs.destroyed) return [];
    return [...attributeCache(this.session).rows<AttributeRecord>('transcripts', ATTR.definition)]
      .map(([id, r]) => toAttribute(id, r.data))
      .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  }

  private rows<T>(store: 'transcripts' | 'keylist', table: string) {
    return attributeCache(this.session).rows<T>(store, table);
  }

  /** By name (case folded) or id. */
  resolve(ref: string): Attribute {
    const k = fold(ref);
    const a = this.list().find((x) => x.id === ref || fold(x.name) === k);
    if (!a) throw new HvelvError('NOT_FOUND', `no attribute "${ref}"`);
    return a;
  }

  define(input: { name: string; kind?: AttributeKind; labels?: Partial<Attribute['labels']>; values?: string[]; identifying?: boolean }): Attribute {
    this.assertWritable();
    const name = input.name.normalize('NFC').trim();
    checkName(name);
    const all = this.list();
    if (all.some((a) => fold(a.name) === fold(name))) throw new HvelvError('INVALID_INPUT', `an attribute named "${name}" exists`);
    if (all.length >= MAX_ATTRIBUTES) throw new HvelvError('TOO_MANY_ATTRIBUTES', `a project can have at most ${MAX_ATTRIBUTES} attributes`);
    const kind = input.kind ?? (input.values?.length ? 'list' : 'text');
    if (!ATTRIBUTE_KINDS.includes(kind)) throw new HvelvError('INVALID_INPUT', `kind must be one of ${ATTRIBUTE_KINDS.join(', ')}`);
    const values = cleanValues(input.values ?? []);
    if (kind === 'list' && values.length === 0) throw new HvelvError('INVALID_INPUT', 'a list attribute needs its values (--values a,b,c)');
    if (kind !== 'list' && values.length > 0) throw new HvelvError('INVALID_INPUT', 'only a list attribute has values to choose from');
    const at = this.now().toISOString();
    const rec: AttributeRecord = {
      name,
      kind,
      labels: { nb: cleanLabel(input.labels?.nb, name), en: cleanLabel(input.labels?.en, name) },
      values,
      identifying: input.identifying ?? false,
      createdAt: at,
      updatedAt: at,
    };
    const r = this.defs.put(ATTR.definition, { participant: null, data: rec });
    return toAttribute(r.id, rec);
  }

  /**
   * A vault written before exact values were kept in the key list holds them beside the
   * transcripts (`exact: true`), where the end date would leave them: moved over at open
   * (project/open.ts), the generalised value written in their place; after the end date
   * (the key list gone) only the generalised value is written. Returns how many.
   */
  moveExactToKeyList(): number {
    const keylist = this.session.stores.keylist;
    if (this.defs.destroyed) return 0;
    const byId = new Map(this.list().map((a) => [a.id, a]));
    let moved = 0;
    for (const [id, r] of [...this.rows<ValueRecord>('transcripts', ATTR.value)]) {
      const a = byId.get(r.data.attributeId);
      if (!r.data.exact || !a || a.identifying || !r.participant) continue;
      const general = suggest(a, r.data.value);
      if (!keylist.destroyed) keylist.put(ATTR.exact, { id, participant: r.participant, data: { attributeId: a.id, value: r.data.value, setAt: r.data.setAt } satisfies ExactRecord });
      // Only takes the exact value out: allowed whatever the consent now covers. One with
      // no band under the labels now (edited since it was set) has nothing to leave beside
      // the transcripts: it is kept in the key list alone (read as valueOf reads it).
      if (general) this.defs.put(ATTR.value, { id, participant: r.participant, data: { ...r.data, value: general.value, exact: false } satisfies ValueRecord }, { removal: true });
      else this.defs.delete(ATTR.value, id);
      moved++;
    }
    return moved;
  }

  /**
   * Refuse, before anything is written, what would take the project past MAX_ATTRIBUTES
   * (an import's Variables: names already defined are reused) or bring more than
   * MAX_IMPORTED_VALUES values (a crafted .qdpx can repeat a value a million times).
   */
  assertRoomFor(names: readonly string[], values = 0): void {
    const known = new Set(this.list().map((a) => fold(a.name)));
    const fresh = new Set(names.map(fold).filter((n) => !known.has(n)));
    if (known.size + fresh.size > MAX_ATTRIBUTES) throw new HvelvError('TOO_MANY_ATTRIBUTES', `the file would define ${fresh.size} attributes beside the ${known.size} there are; a project can have at most ${MAX_ATTRIBUTES}`);
    if (values > MAX_IMPORTED_VALUES) throw new HvelvError('TOO_MANY_ATTRIBUTES', `the file holds ${values} attribute values; Hvelv imports at most ${MAX_IMPORTED_VALUES}`);
  }

  /**
   * Change labels, a list's values or the identifying flag. A flag changed moves every
   * value to the other store in one go per store (sealed again under the same person's key
   * there), so an identifying value never waits beside the transcripts.
   */
  update(ref: string, change: { labels?: Partial<Attribute['labels']>; values?: string[]; identifying?: boolean }): Attribute {
    this.assertWritable();
    const a = this.resolve(ref);
    const rec = this.rows<AttributeRecord>('transcripts', ATTR.definition).get(a.id)!.data;
    const next: AttributeRecord = {
      ...rec,
      labels: { nb: cleanLabel(change.labels?.nb, rec.labels.nb), en: cleanLabel(change.labels?.en, rec.labels.en) },
      updatedAt: this.now().toISOString(),
    };
    if (change.values !== undefined) {
      if (a.kind !== 'list') throw new HvelvError('INVALID_INPUT', 'only a list attribute has values to choose from');
      next.values = cleanValues(change.values);
      const held = this.valuesOfAttribute(a);
      const gone = [...held.values()].filter((v) => !next.values.some((x) => fold(x) === fold(v.value)));
      if (gone.length > 0) throw new HvelvError('INVALID_INPUT', `"${gone[0]!.value}" is held by a participant: change their value first`);
    }
    if (change.identifying !== undefined && change.identifying !== rec.identifying) {
      next.identifying = change.identifying;
      const from = this.storeFor(rec);
      const to = this.storeFor(next);
      if (!from || !to) throw new HvelvError('PROJECT_ENDED', 'the project has ended: attributes can no longer be changed');
      const held = this.valuesOfAttribute(a);
      const keylist = this.session.stores.keylist;
      // An exact value with no band under the labels now (they were changed since it was
      // set) has no generalised value to hold beside the transcripts: it would go there as
      // if generalised, leave in a share and outlive the end date. Refused before any write.
      const stuck = next.identifying ? undefined : [...held.values()].find((v) => v.exact && !suggest(toAttribute(a.id, next), v.value));
      if (stuck) throw new HvelvError('INVALID_INPUT', `"${stuck.value}" is an exact value with no generalised value to keep beside the transcripts: change it first`);
      for (const [code, v] of held) {
        const id = valueId(a.id, code);
        if (next.identifying) {
          // The exact value itself goes to the key list; its generalised stand-in goes.
          to.put(ATTR.value, { id, participant: code, data: v });
          from.delete(ATTR.value, id);
          keylist.delete(ATTR.exact, id);
        } else {
          // Beside the transcripts only what may outlive the end date: an exact value
          // stays in the key list over its generalised value.
          const general = bandOf(toAttribute(a.id, next), v.value);
          to.put(ATTR.value, { id, participant: code, data: general ? { ...v, value: general.value, exact: false } : { ...v, exact: false } });
          if (general) keylist.put(ATTR.exact, { id, participant: code, data: { attributeId: a.id, value: v.value, setAt: v.setAt } satisfies ExactRecord });
          from.delete(ATTR.value, id);
        }
      }
    }
    if (change.labels && !rec.identifying && !next.identifying) {
      // Labels that make a rule apply now ("Alder"): a value set plainly before, which the
      // rule would generalise, is held as an exact one kept over its generalised value (in
      // the key list, so it neither leaves as if generalised nor outlives the end date).
      const keylist = this.session.stores.keylist;
      for (const [code, v] of this.valuesOfAttribute(a)) {
        const general = v.exact ? null : bandOf(toAttribute(a.id, next), v.value);
        if (!general) continue;
        const id = valueId(a.id, code);
        this.defs.put(ATTR.value, { id, participant: code, data: { ...v, value: general.value, exact: false } }, { removal: true });
        keylist.put(ATTR.exact, { id, participant: code, data: { attributeId: a.id, value: v.value, setAt: v.setAt } satisfies ExactRecord });
      }
    }
    this.defs.put(ATTR.definition, { id: a.id, participant: null, data: next });
    return toAttribute(a.id, next);
  }

  /** The attribute and every value of it. */
  remove(ref: string): { values: number } {
    const a = this.resolve(ref);
    const store = this.storeFor(a);
    let n = 0;
    if (store) for (const [id, r] of this.rows<ValueRecord>(a.identifying ? 'keylist' : 'transcripts', ATTR.value)) if (r.data.attributeId === a.id && store.delete(ATTR.value, id)) n++;
    const keylist = this.session.stores.keylist;
    if (!a.identifying && !keylist.destroyed) for (const [id, r] of this.rows<ExactRecord>('keylist', ATTR.exact)) if (r.data.attributeId === a.id) keylist.delete(ATTR.exact, id);
    this.defs.delete(ATTR.definition, a.id);
    return { values: n };
  }

  /** What Hvelv would hold instead of `raw` for this attribute (for the screen to show before saving). */
  suggestion(ref: string, raw: string, locale: Locale = 'nb'): Suggestion | null {
    return suggest(this.resolve(ref), cleanGiven(raw), locale);
  }

  /**
   * Set a participant's value. An exact value that narrows is held as its suggestion
   * unless `exact` (the student insists): then it is held as given, flagged.
   */
  set(code: string, ref: string, raw: string, opts: { exact?: boolean; locale?: Locale } = {}): SetResult {
    this.assertWritable();
    const a = this.resolve(ref);
    const given = cleanGiven(raw);
    if (given === '') throw new HvelvError('INVALID_INPUT', 'the value is empty (to remove a value, clear it)');
    if (OTHER_DIGIT.test(given)) throw new HvelvError('INVALID_INPUT', 'write numbers with the digits 0-9');
    if (given.length > VALUE_MAX) throw new HvelvError('INVALID_INPUT', `a value can be at most ${VALUE_MAX} characters`);
    const suggestion = suggest(a, given, opts.locale ?? 'nb');
    const generalised = suggestion !== null && !opts.exact;
    const exact = suggestion !== null && !generalised;
    const value = checkValue(a, generalised ? suggestion.value : given);
    const store = this.storeFor(a);
    if (!store) throw new HvelvError('PROJECT_ENDED', 'the project has ended: nothing new may be written');
    // The transcripts store's gate asks for consent covering analysis; the key list has no
    // gate of its own, so the same check is made here for an identifying value.
    const keylist = this.session.stores.keylist;
    assertConsent(keylist, code, 'analysis');
    const id = valueId(a.id, code);
    const setAt = this.now().toISOString();
    if (exact && !a.identifying) {
      // The generalised value beside the transcripts (what the end date leaves), the exact
      // one over it in the key list (deleted with it). In this order: a failure between
      // the two leaves the generalised value, never an exact one past the end date.
      store.put(ATTR.value, { id, participant: code, data: { attributeId: a.id, value: checkValue(a, suggestion.value), exact: false, setAt } satisfies ValueRecord });
      keylist.put(ATTR.exact, { id, participant: code, data: { attributeId: a.id, value, setAt } satisfies ExactRecord });
    } else {
      store.put(ATTR.value, { id, participant: code, data: { attributeId: a.id, value, exact, setAt } satisfies ValueRecord });
      if (!a.identifying) keylist.delete(ATTR.exact, id);
    }
    return { stored: { attributeId: a.id, name: a.name, value, exact }, suggestion, generalised };
  }

  clear(code: string, ref: string): boolean {
    const a = this.resolve(ref);
    const store = this.storeFor(a);
    const keylist = this.session.stores.keylist;
    if (!a.identifying && !keylist.destroyed) keylist.delete(ATTR.exact, valueId(a.id, code));
    return store ? store.delete(ATTR.value, valueId(a.id, code)) : false;
  }

  /** One participant's values, in the attributes' order. */
  valuesOf(code: string): AttributeValue[] {
    const out: AttributeValue[] = [];
    for (const a of this.list()) {
      const v = this.valueOf(a, code);
      if (v) out.push({ attributeId: a.id, name: a.name, value: v.value, exact: v.exact });
    }
    return out;
  }

  /** A participant's value of one attribute: an exact value kept in the key list over its generalised one. */
  private valueOf(a: Attribute, code: string): ValueRecord | undefined {
    const id = valueId(a.id, code);
    const held = this.rows<ValueRecord>(a.identifying ? 'keylist' : 'transcripts', ATTR.value).get(id);
    const over = a.identifying ? undefined : this.rows<ExactRecord>('keylist', ATTR.exact).get(id);
    if (over) return { attributeId: a.id, setAt: over.data.setAt, ...held?.data, value: over.data.value, exact: true };
    return held?.data;
  }

  /** Every value of one attribute, by participant (an exact value kept in the key list over its generalised one). */
  valuesOfAttribute(a: Attribute): Map<string, ValueRecord> {
    const out = new Map<string, ValueRecord>();
    if (!this.storeFor(a)) return out;
    const over = a.identifying ? new Map<string, { participant: string | null; data: ExactRecord }>() : this.rows<ExactRecord>('keylist', ATTR.exact);
    for (const [id, r] of this.rows<ValueRecord>(a.identifying ? 'keylist' : 'transcripts', ATTR.value)) {
      if (r.data.attributeId !== a.id || !r.participant) continue;
      const o = over.get(id);
      out.set(r.participant, o ? { ...r.data, value: o.data.value, exact: true } : r.data);
    }
    // An exact value kept with no generalised one beside the transcripts (moveExactToKeyList).
    for (const [, o] of over) if (o.data.attributeId === a.id && o.participant && !out.has(o.participant)) out.set(o.participant, { attributeId: a.id, value: o.data.value, exact: true, setAt: o.data.setAt });
    return out;
  }

  /** Every participant with a value, with all their values (name → value). */
  table(): Map<string, Record<string, string>> {
    const out = new Map<string, Record<string, string>>();
    for (const a of this.list()) {
      for (const [code, v] of this.valuesOfAttribute(a)) {
        const row = out.get(code) ?? {};
        row[a.name] = v.value;
        out.set(code, row);
      }
    }
    return out;
  }

  /**
   * What may leave the vault (a .qdpx, a supervisor's share): the attributes not marked
   * identifying, and of them only generalised values; an exact value the student insisted
   * on stays home, as does every value of an identifying attribute.
   */
  shareable(): { attributes: Attribute[]; values: Map<string, { attributeId: string; value: string }[]> } {
    const attributes = this.list().filter((a) => !a.identifying);
    const active = new Set(this.activeCodes());
    const values = new Map<string, { attributeId: string; value: string }[]>();
    for (const a of attributes) {
      for (const [code, v] of this.valuesOfAttribute(a)) {
        if (v.exact || !active.has(code)) continue;
        values.set(code, [...(values.get(code) ?? []), { attributeId: a.id, value: v.value }]);
      }
    }
    return { attributes, values };
  }

  /**
   * The participants holding every value asked for (`--where name=value`, case folded). A
   * participant whose exact value the student insisted on is also found by the band kept
   * beside it (`alder=50-59` finds the one kept as "52"), as the view's count must be.
   */
  matching(where: readonly WhereClause[]): Set<string> {
    let out = new Set(this.activeCodes());
    for (const w of where) {
      const a = this.resolve(w.name);
      const k = fold(w.value);
      const hit = new Set([...this.valuesOfAttribute(a)].filter(([, v]) => fold(v.value) === k).map(([c]) => c));
      if (this.storeFor(a)) {
        for (const [, r] of this.rows<ValueRecord>(a.identifying ? 'keylist' : 'transcripts', ATTR.value)) {
          if (r.participant && r.data.attributeId === a.id && fold(r.data.value) === k) hit.add(r.participant);
        }
      }
      out = new Set([...out].filter((c) => hit.has(c)));
    }
    return out;
  }

  /** Participants still taking part (the key list's registry), or, after the end date, everyone with a value. */
  activeCodes(): string[] {
    const keylist = this.session.stores.keylist;
    if (keylist.destroyed) return [...this.table().keys()];
    return keylist
      .list<RegistryEntry>(T.participant)
      .filter((r) => r.data.status === 'active')
      .map((r) => r.data.code);
  }

  private assertWritable(): void {
    if (this.defs.destroyed || this.session.stores.keylist.destroyed) throw new HvelvError('PROJECT_ENDED', 'the project has ended: nothing new may be written');
    if (daysUntil(this.session.facts.endDate, localIsoDate(this.now())) < 0) {
      throw new HvelvError('PROJECT_ENDED', `the project ended on ${this.session.facts.endDate}: nothing new may be written`);
    }
  }
}

/** `name=value` as the command gives it. */
export function parseWhere(s: string): WhereClause {
  const i = s.indexOf('=');
  if (i <= 0 || i === s.length - 1) throw new HvelvError('INVALID_INPUT', `"${s}": write --where name=value`);
  return { name: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
}

/** The generalised value to hold beside the transcripts instead of `value`, when it differs from it. */
function bandOf(a: Attribute, value: string): Suggestion | null {
  const g = suggest(a, value);
  return g && fold(g.value) !== fold(value) ? g : null;
}

function toAttribute(id: string, r: AttributeRecord): Attribute {
  return { id, name: r.name, kind: r.kind, labels: { ...r.labels }, values: [...r.values], identifying: r.identifying };
}

function checkName(name: string): void {
  if (name === '') throw new HvelvError('INVALID_INPUT', 'an attribute needs a name');
  if (name.length > NAME_MAX) throw new HvelvError('INVALID_INPUT', `a name can be at most ${NAME_MAX} characters`);
  if (/[=,\p{Cc}]/u.test(name)) throw new HvelvError('INVALID_INPUT', 'a name cannot hold "=", "," or control characters');
  // Names that are the language's own on every object ("__proto__", "constructor"): a row
  // keyed by one would hide its values from the table and the small-group warning.
  if (name in Object.prototype || name === '__proto__') throw new HvelvError('INVALID_INPUT', `"${name}" cannot be an attribute's name`);
}

/**
 * A label as a name is held (a share's format refuses a control character in either, and
 * would refuse the whole share); empty or not given: `fallback`.
 */
function cleanLabel(label: string | undefined, fallback: string): string {
  const l = (label ?? '').normalize('NFC').trim();
  if (l === '') return fallback;
  if (l.length > NAME_MAX) throw new HvelvError('INVALID_INPUT', `a label can be at most ${NAME_MAX} characters`);
  if (/\p{Cc}/u.test(l)) throw new HvelvError('INVALID_INPUT', 'a label cannot hold control characters');
  return l;
}

function cleanValues(values: readonly string[]): string[] {
  const out: string[] = [];
  if (values.length > MAX_LIST_VALUES * 4) throw new HvelvError('TOO_MANY_ATTRIBUTES', `a list can have at most ${MAX_LIST_VALUES} values`);
  for (const v of values.map((x) => x.normalize('NFC').trim()).filter(Boolean)) {
    if (v.length > VALUE_MAX) throw new HvelvError('INVALID_INPUT', `a value can be at most ${VALUE_MAX} characters`);
    if (!out.some((x) => fold(x) === fold(v))) out.push(v);
  }
  if (out.length > MAX_LIST_VALUES) throw new HvelvError('TOO_MANY_ATTRIBUTES', `a list can have at most ${MAX_LIST_VALUES} values`);
  return out;
}

/** A value of the attribute's kind (a list's own spelling of it), or INVALID_INPUT. */
function checkValue(a: Attribute, v: string): string {
  if (/\p{Cc}/u.test(v)) throw new HvelvError('INVALID_INPUT', 'a value cannot hold control characters');
  switch (a.kind) {
    case 'list': {
      // A list's own value as defined (NFC) or as a value given is read (cleanGiven).
      const hit = a.values.find((x) => fold(x) === fold(v) || fold(cleanGiven(x)) === fold(v));
      if (!hit) throw new HvelvError('INVALID_INPUT', `"${v}" is not one of ${a.name}'s values (${a.values.join(', ')})`);
      return hit;
    }
    case 'number':
      if (!NUMBER_OR_BAND.test(v)) throw new HvelvError('INVALID_INPUT', `${a.name} takes a number or a band such as 50-59`);
      return v;
    case 'date':
      if (!DATE.test(v)) throw new HvelvError('INVALID_INPUT', `${a.name} takes a date (YYYY-MM-DD, YYYY-MM, YYYY) or a span (2015-2019)`);
      return v;
    default:
      return v;
  }
}
