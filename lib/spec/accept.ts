// The one way into the installer for a spec, whoever brings it: `kinstall` (a file), the
// webhook server (a template filled from a ticket), the workflow's own check (the JSON it was
// started with, also by the Web UI) and `resume`. Parsed, validated, its relative paths made
// absolute against the folder it came from, its defaults filled in.
import { resolveSpecPaths } from './resolve-paths.js';
import { parseSpecText, validateSpec, type SpecResult } from './validate.js';

/** YAML (or JSON) text, or a document already parsed. */
export type SpecSource = { text: string } | { doc: unknown };

/**
 * The spec, or every error with its path. `baseDir` is the folder of the file the spec came
 * from (or its template's); without it the paths are kept as they are, as for a spec that was
 * accepted once already and comes back as JSON.
 */
export function acceptSpec(source: SpecSource, baseDir?: string): SpecResult {
  const result = 'text' in source ? parseSpecText(source.text) : validateSpec(source.doc);
  if (!result.ok || baseDir === undefined) return result;
  return { ok: true, spec: resolveSpecPaths(result.spec, baseDir) };
}
