/** The IPC methods of participant attributes (electron/main/attribute-handlers.ts over core's services/attributes/). */
import { z } from 'zod';
import { isParticipantCode } from './domain';
import { ATTRIBUTE_KINDS, type Attribute, type AttributeValue, type ComparisonTable, type SmallGroup, type Suggestion } from './attributes';

const code = z.string().refine(isParticipantCode, 'not a participant code');
const ref = z.string().trim().min(1).max(60);
const value = z.string().max(200);
/** `--where name=value` on screen: the participants holding every value given. */
export const whereInput = z.array(z.strictObject({ name: ref, value: value.min(1) })).max(5);

export const attributesApi = {
  /** Every attribute, and the combinations of values five or fewer participants hold. */
  'attributes.list': { input: z.strictObject({}) },
  'attributes.define': {
    input: z.strictObject({
      name: ref,
      kind: z.enum(ATTRIBUTE_KINDS),
      values: z.array(value).max(100).default([]),
      labels: z.strictObject({ nb: z.string().max(60), en: z.string().max(60) }),
      identifying: z.boolean().default(false),
    }),
  },
  'attributes.values': { input: z.strictObject({ code }) },
  /** What Hvelv would store instead of an exact value (shown before saving). */
  'attributes.suggest': { input: z.strictObject({ attribute: ref, value }) },
  'attributes.set': { input: z.strictObject({ code, attribute: ref, value, exact: z.boolean().default(false) }) },
  'attributes.clear': { input: z.strictObject({ code, attribute: ref }) },
  'attributes.compare': { input: z.strictObject({ attribute: ref }) },
  /** A filter's choices (each attribute's values in use) and what it keeps: the participants, and whether so few the view may identify them. */
  'attributes.filter': { input: z.strictObject({ where: whereInput.default([]) }) },
  /** Change an attribute's labels, a list's values or the identifying flag. */
  'attributes.update': {
    input: z.strictObject({
      attribute: ref,
      labels: z.strictObject({ nb: z.string().trim().min(1).max(60), en: z.string().trim().min(1).max(60) }).optional(),
      values: z.array(value).max(100).optional(),
      identifying: z.boolean().optional(),
    }),
  },
} as const;

export interface AttributesOutputs {
  'attributes.list': { attributes: Attribute[]; smallGroups: SmallGroup[] };
  'attributes.define': Attribute;
  'attributes.values': AttributeValue[];
  'attributes.suggest': Suggestion | null;
  'attributes.set': { stored: AttributeValue; suggestion: Suggestion | null; generalised: boolean };
  'attributes.clear': boolean;
  'attributes.compare': ComparisonTable;
  'attributes.filter': AttributeFilter;
  'attributes.update': Attribute;
}

export interface AttributeFilter {
  /** Each attribute's values in use among the participants taking part, by attribute name. */
  values: Record<string, string[]>;
  participants: string[];
  small: boolean;
}
