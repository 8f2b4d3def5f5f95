/**
 * The participant-attribute methods of the IPC contract, over core's services/attributes/.
 * Kept beside handlers.ts as analysis-handlers.ts is: no Electron here, every input
 * already parsed by the contract.
 */
import type { Method, Outputs, ParsedInput } from '../../shared/contract';
import { Attributes } from '../core/services/attributes/attributes';
import { compare } from '../core/services/attributes/compare';
import { filterWarning, smallGroups } from '../core/services/attributes/groups';
import type { VaultSession } from '../core/vault/vault';
import type { Locale } from '../../shared/i18n/locale';

type AttributeMethod = Extract<Method, `attributes.${string}`>;
type AttributeHandlers = { [M in AttributeMethod]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export interface AttributeDeps {
  session(): VaultSession;
  now: () => Date;
  locale(): Locale;
}

/** Each attribute's values held by participants taking part (a list's in its order), by name. */
function valuesInUse(attrs: Attributes): Record<string, string[]> {
  const active = new Set(attrs.activeCodes());
  const out: Record<string, string[]> = {};
  for (const a of attrs.list()) {
    const held = [...new Set([...attrs.valuesOfAttribute(a)].filter(([c]) => active.has(c)).map(([, v]) => v.value))];
    out[a.name] = a.kind === 'list' ? a.values.filter((v) => held.includes(v)) : held.sort((x, y) => x.localeCompare(y, 'nb', { numeric: true }));
  }
  return out;
}

export function attributeHandlers(deps: AttributeDeps): AttributeHandlers {
  const attrs = () => new Attributes(deps.session(), deps.now);
  return {
    'attributes.list': () => ({ attributes: attrs().list(), smallGroups: smallGroups(deps.session(), deps.now) }),
    'attributes.define': (i) => attrs().define(i),
    'attributes.values': ({ code }) => attrs().valuesOf(code),
    'attributes.suggest': ({ attribute, value }) => attrs().suggestion(attribute, value, deps.locale()),
    'attributes.set': ({ code, attribute, value, exact }) => attrs().set(code, attribute, value, { exact, locale: deps.locale() }),
    'attributes.clear': ({ code, attribute }) => attrs().clear(code, attribute),
    'attributes.compare': ({ attribute }) => compare(deps.session(), deps.now, attribute),
    'attributes.filter': ({ where }) => ({ values: valuesInUse(attrs()), ...filterWarning(deps.session(), deps.now, where) }),
    'attributes.update': ({ attribute, ...change }) => attrs().update(attribute, change),
  };
}
