/**
 * Participant attributes as the screens, the command and core see them: what the student
 * defines (name, kind, labels, identifying or not), a participant's values, the suggestion
 * of a generalised value, the small-group warning and the comparison table. Held by
 * electron/core/services/attributes/.
 */
export const ATTRIBUTE_KINDS = ['text', 'number', 'date', 'list'] as const;
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

export interface Attribute {
  id: string;
  /** What the command and `--where` call it (unique, case folded). */
  name: string;
  kind: AttributeKind;
  labels: { nb: string; en: string };
  /** A list's values, in the student's order; empty for the other kinds. */
  values: string[];
  /** Its values identify a person: kept in the key list, so deleted at the end date with it. */
  identifying: boolean;
}

export interface AttributeValue {
  attributeId: string;
  name: string;
  value: string;
  /** The student kept an exact value Hvelv would have generalised (shown with a warning). */
  exact: boolean;
}

/** What Hvelv suggests instead of an exact value that narrows. */
export interface Suggestion {
  value: string;
  rule: 'age-band' | 'years-band' | 'year-span' | 'county';
}

/** One combination of attribute values and how many participants hold it. */
export interface SmallGroup {
  values: Record<string, string>;
  participants: number;
}

/** A rule of thumb: a group of five or fewer people can identify them. */
export const SMALL_GROUP = 5;

export interface WhereClause {
  name: string;
  value: string;
}

export interface ComparisonCell {
  passages: number;
  participants: number;
  segmentIds: string[];
}

export interface ComparisonTable {
  attribute: Attribute;
  /** The attribute's values in use (a list's in its order), then '' for participants with none. */
  columns: string[];
  /** Participants per column. */
  columnParticipants: number[];
  rows: { codeId: string; name: string; path: string[]; cells: ComparisonCell[] }[];
  /** Columns held by five or fewer participants (and more than none). */
  smallColumns: string[];
}

/** What a supervisor's share carries: generalised values of attributes not marked identifying. */
export interface SharedAttributes {
  attributes: { id: string; name: string; labels: { nb: string; en: string } }[];
  values: { participant: string; attributeId: string; value: string }[];
}
