/** The IPC methods of participant attributes (electron/main/attribute-handlers.ts over core's services/attributes/). */
import { z } from 'zod';
import { isParticipantCode } from './domain';
import { ATTRIBUTE_KINDS, type Attribute, type AttributeValue, type ComparisonTable, type SmallGroup, type Suggestion } from './attributes';

const code = z.string().refine(isParticipantCode, 'not a participant code');
const ref = z.string().trim().min(1).max(60);
const value = z.string().max(200);

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
} as const;

export interface AttributesOutputs {
  'attributes.list': { attributes: Attribute[]; smallGroups: SmallGroup[] };
  'attributes.define': Attribute;
  'attributes.values': AttributeValue[];
  'attributes.suggest': Suggestion | null;
  'attributes.set': { stored: AttributeValue; suggestion: Suggestion | null; generalised: boolean };
  'attributes.clear': boolean;
  'attributes.compare': ComparisonTable;
}
