/**
 * The attribute words a document leaving the vault carries (the report's comparison
 * tables, a .qdpx's Variables, a share): the labels and the generalised values of the
 * attributes not marked identifying. The identifying-details check reads them as it reads
 * a transcript's words, so a value holding a key-list name, a workplace or a narrowing
 * fact ("Kafé Solsiden", held by one person) is flagged before it leaves. A county is the
 * generalisation Hvelv itself made of a place, so it is not flagged as a place again.
 */
import type { Attribute } from '../../../../shared/attributes';
import type { DeidFinding } from '../../../../shared/contract';
import { findIdentifiers, type KnownDetails } from '../deidentify/deidentify';
import type { VaultSession } from '../../vault/vault';
import { Attributes, fold } from './attributes';
import { COUNTIES_2024 } from './municipalities';

export interface OutgoingText {
  attribute: Attribute;
  /** `name`: the attribute's name or a label (a table's heading); `value`: a value held. */
  field: 'name' | 'value';
  text: string;
}

const COUNTIES: ReadonlySet<string> = new Set(Object.values(COUNTIES_2024).map(fold));

/**
 * The identifying details in an attribute's label or value, as in a transcript's words,
 * but for two things a value is and a sentence is not: a county is Hvelv's own
 * generalisation of a place, and a value's first word is capitalised as a category is
 * ("Jobbspesialist", "Rolle"), so a capital there alone (a "maybe a name" of the word
 * lists) is no finding; a name the lists or the key list know is, wherever it stands.
 */
export function attributeFindings(text: string, known: KnownDetails, kept: readonly string[] = [], keptKeyList: readonly string[] = kept): DeidFinding[] {
  return findIdentifiers(text, known, kept, keptKeyList).filter(
    (f) => !(f.kind === 'place' && COUNTIES.has(fold(f.text))) && !(f.kind === 'name' && f.source === 'pattern' && f.confidence === 'low' && f.start === 0),
  );
}

/** Each distinct text once, an attribute's name and labels before its values. */
export function outgoingAttributeTexts(session: VaultSession, now: () => Date, among?: ReadonlySet<string>): OutgoingText[] {
  const attrs = new Attributes(session, now);
  const active = new Set(attrs.activeCodes());
  const out: OutgoingText[] = [];
  for (const a of attrs.list()) {
    if (a.identifying) continue;
    // What the comparison table, the .qdpx and the share carry: no exact value kept (it stays home).
    const values = [...attrs.valuesOfAttribute(a)].filter(([code, v]) => !v.exact && active.has(code) && (!among || among.has(code))).map(([, v]) => v.value);
    if (values.length === 0) continue;
    const seen = new Set<string>();
    for (const [field, text] of [['name', a.name], ['name', a.labels.nb], ['name', a.labels.en], ...values.map((v) => ['value', v] as const)] as const) {
      const k = `${field}:${fold(text)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ attribute: a, field, text });
    }
  }
  return out;
}
