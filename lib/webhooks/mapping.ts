// From a ticket event to what to do: the first rule whose source, event and status match, the
// spec filled from the ticket's fields, or the install a rule acts on. Fields are copied as
// data by path; nothing is evaluated. Whether the filled spec is valid (template text, names,
// reserved variables) is the spec validation's to say, as for a spec file.
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

export function fieldValueOf(value: FieldValue, body: unknown, forWhat: string): Filled<unknown> {
  if ('value' in value) return { ok: true, value: structuredClone(value.value) };
  const found = readField(body, value.field);
  if (found === undefined || found === null || found === '') return { ok: false, message: `ticket field ${value.field} is missing (it gives ${forWhat})` };
  if (!value.lowerCase) return { ok: true, value: structuredClone(found) };
  if (typeof found !== 'string') return { ok: false, message: `ticket field ${value.field}: expected text (it gives ${forWhat})` };
  return { ok: true, value: found.toLowerCase() };
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = doc;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(at, key) ? at[key] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
}

/** The spec template with the rule's fields set from the ticket; every missing field named. */
export function fillSpec(template: unknown, set: Record<string, FieldValue>, body: unknown): { ok: true; doc: unknown } | { ok: false; errors: string[] } {
  const doc = structuredClone(template) as Record<string, unknown>;
  const errors: string[] = [];
  for (const [path, value] of Object.entries(set)) {
    const filled = fieldValueOf(value, body, path);
    if (filled.ok) setPath(doc, path, filled.value);
    else errors.push(filled.message);
  }
  return errors.length ? { ok: false, errors } : { ok: true, doc };
}
