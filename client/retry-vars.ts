// `retry --vars FILE`: read safely and checked by the same rules as spec.extraVars before
// anything talks to the server (the workflow's retry validator checks them again).
import { dirname, resolve } from 'node:path';
import { formatPath } from '../lib/spec/format-path.js';
import { parseYaml } from '../lib/spec/parse-yaml.js';
import { absoluteVarRefs } from '../lib/spec/resolve-paths.js';
import { varsIssues } from '../lib/vars/vars-issues.js';
import { CliError } from './cli-error.js';
import { readInputFile } from './read-input-file.js';

export async function readRetryVars(file: string): Promise<Record<string, unknown>> {
  const label = `--vars ${file}`;
  const parsed = parseYaml(await readInputFile(file, label));
  if (!parsed.ok) throw new CliError(`${label}: ${parsed.message}`, 2);
  const issues = varsIssues(parsed.value, []);
  if (issues.length) {
    throw new CliError(
      `${label}: ${issues.length} error${issues.length > 1 ? 's' : ''}\n${issues.map((i) => `  ${i.path.length ? formatPath(i.path) : '(document)'}: ${i.message}`).join('\n')}`,
      2,
    );
  }
  return absoluteVarRefs(dirname(resolve(file)), parsed.value as Record<string, unknown>);
}
