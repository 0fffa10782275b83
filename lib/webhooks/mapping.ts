// From a ticket event to what to do: the first rule whose source, event and status match, the
// spec filled from the ticket's fields, or the install a rule acts on. Fields are copied as
// data by path; nothing is evaluated. Whether the filled spec is valid (template text, names,
// reserved variables) is the spec validation's to say, as for a spec file.
import { validateKatonicVersion, validateKubeVersion } from '../cluster/operation-input.js';
import { isDnsLabel } from '../spec/schema.js';
import type { FieldValue, Rule } from './config.js';
import type { TicketEvent } from './ticket-event.js';

export function matchRule(rules: readonly Rule[], ev: TicketEvent): Rule | undefined {
  return rules.find((r) => r.source === ev.source && r.event === ev.event && (r.statusTo === undefined || r.statusTo === ev.statusTo));
}

/** A field of the body by dotted path, through its own properties only. */
function readField(body: unknown, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

export type Filled<T> = { ok: true; value: T } | { ok: false; message: string };

function fieldValueOf(value: FieldValue, body: unknown, forWhat: string): Filled<unknown> {
  if ('value' in value) return { ok: true, value: structuredClone(value.value) };
  const found = readField(body, value.field);
  if (found === undefined || found === null || found === '') return { ok: false, message: `ticket field ${value.field} is missing (it gives ${forWhat})` };
  if (!value.lowerCase) return { ok: true, value: structuredClone(found) };
  if (typeof found !== 'string') return { ok: false, message: `ticket field ${value.field}: expected text (it gives ${forWhat})` };
  return { ok: true, value: found.toLowerCase() };
}

/** The install a retry, resume, approve or cancel rule acts on: its name from the ticket, by the rule for any install name. */
export function installNameOf(value: FieldValue, body: unknown): Filled<string> {
  const name = fieldValueOf(value, body, 'the install name');
  if (!name.ok) return name;
  if (typeof name.value !== 'string' || !isDnsLabel(name.value)) return { ok: false, message: 'the install name from the ticket: expected a DNS label' };
  return { ok: true, value: name.value };
}

/** An upgrade rule's version from the ticket, checked by the rules of the spec's field before anything is asked. */
export function upgradeVersionOf(kind: 'upgrade-kube' | 'upgrade-katonic', value: FieldValue, body: unknown): Filled<string> {
  const version = fieldValueOf(value, body, 'the version');
  if (!version.ok) return version;
  const problem = (kind === 'upgrade-kube' ? validateKubeVersion : validateKatonicVersion)(version.value, 'the version from the ticket');
  return problem ? { ok: false, message: problem } : { ok: true, value: version.value as string };
}

/** `doc` with `value` at the dotted `path`: the objects along the path are copies, the rest is shared. */
function withPath(doc: Record<string, unknown>, [key, ...rest]: string[], value: unknown): Record<string, unknown> {
  if (!rest.length) return { ...doc, [key!]: value };
  const next = Object.hasOwn(doc, key!) ? doc[key!] : undefined;
  const child = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
  return { ...doc, [key!]: withPath(child, rest, value) };
}

/**
 * The spec template with the rule's fields set from the ticket; every missing field named. The
 * template itself is not changed (a webhook server fills it for every delivery), and the parts
 * the rule does not set are shared with it: validation makes the spec a new object.
 */
export function fillSpec(template: unknown, set: Record<string, FieldValue>, body: unknown): { ok: true; doc: unknown } | { ok: false; errors: string[] } {
  let doc = template as Record<string, unknown>;
  const errors: string[] = [];
  for (const [path, value] of Object.entries(set)) {
    const filled = fieldValueOf(value, body, path);
    if (filled.ok) doc = withPath(doc, path.split('.'), filled.value);
    else errors.push(filled.message);
  }
  return errors.length ? { ok: false, errors } : { ok: true, doc };
}
