// YAML from outside (a spec, `retry --vars`) parsed within limits. js-yaml resolves an alias
// to the same object, so parsing an alias bomb is cheap, but everything after it (the zod
// schema, JSON for the workflow, the files for Ansible) walks the expanded tree: 1.5 KB of
// nested aliases is billions of values. The parsed value is therefore measured as its
// consumers see it, aliases expanded, and refused past MAX_VALUES or MAX_DEPTH; the walk
// stops at the limit, so it costs at most MAX_VALUES steps.
// The schema is YAML 1.2's core schema with merge keys: JSON's types only, so a spec means
// the same in `plan` (from YAML) as in the workflow (from JSON); no timestamps or binary.
import yaml from 'js-yaml';

export const YAML_LIMITS = { maxValues: 20_000, maxDepth: 32 };

// js-yaml 4.3 has these; @types/js-yaml 4.0 does not know them yet.
const jsYaml = yaml as typeof yaml & { types: { merge: yaml.Type } };
const SCHEMA = yaml.CORE_SCHEMA.extend([jsYaml.types.merge]);
const LOAD_OPTIONS = { schema: SCHEMA, maxDepth: YAML_LIMITS.maxDepth } as yaml.LoadOptions;

export type YamlResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Why a parsed value is too large or too deep to handle (counted with aliases expanded), if it is. */
export function sizeProblem(value: unknown): string | undefined {
  let count = 0;
  const visit = (v: unknown, depth: number): string | undefined => {
    if (++count > YAML_LIMITS.maxValues) return `expected at most ${YAML_LIMITS.maxValues} values with YAML aliases expanded (an alias bomb?)`;
    if (depth > YAML_LIMITS.maxDepth) return `expected at most ${YAML_LIMITS.maxDepth} levels of nesting`;
    const items = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
    for (const item of items) {
      const problem = visit(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  return visit(value, 0);
}

/** One YAML document, within the limits; errors say where, never what the text was. */
export function parseYaml(text: string): YamlResult {
  let value: unknown;
  try {
    value = yaml.load(text, LOAD_OPTIONS);
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number } };
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    return { ok: false, message: `expected YAML: ${e.reason ?? 'it does not parse'}${where}` };
  }
  const problem = sizeProblem(value);
  return problem ? { ok: false, message: problem } : { ok: true, value };
}
