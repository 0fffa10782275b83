// Reads the webhook server's config file: validated, each start rule's spec template read and
// parsed (relative to the config file), so a broken config stops the server at start, not at
// the first delivery. Exit 2, naming the field, on bad input.
import { dirname, resolve } from 'node:path';
import { parseYaml } from '../../lib/spec/parse-yaml.js';
import { formatPath } from '../../lib/spec/format-path.js';
import { webhookConfigSchema, type WebhookConfig } from '../../lib/webhooks/config.js';
import { CliError } from '../cli-error.js';
import { readInputFile } from '../read-input-file.js';
import { DEFAULT_WEBHOOK_CONFIG } from './defaults.js';

export interface SpecTemplate {
  /** The template as parsed; filled per delivery, then validated as a spec file is. */
  doc: unknown;
  /** Relative paths in the filled spec are relative to the template's folder, as in a spec file. */
  baseDir: string;
}

export interface LoadedWebhookConfig {
  file: string;
  config: WebhookConfig;
  /** By rule name. */
  templates: Map<string, SpecTemplate>;
}

async function readYaml(file: string, label: string): Promise<unknown> {
  const parsed = parseYaml(await readInputFile(file, label));
  if (!parsed.ok) throw new CliError(`${label}: ${parsed.message}`, 2);
  return parsed.value;
}

export async function loadWebhookConfig(file = DEFAULT_WEBHOOK_CONFIG): Promise<LoadedWebhookConfig> {
  const result = webhookConfigSchema.safeParse(await readYaml(file, file));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${formatPath(i.path as (string | number)[])}: ${i.message.replace(/^Invalid input: /, '')}`);
    throw new CliError(`${file}: ${lines.length} error${lines.length > 1 ? 's' : ''}\n${lines.join('\n')}`, 2);
  }
  const config = result.data;
  const names = config.rules.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new CliError(`${file}: rules: the name ${JSON.stringify(twice)} is used twice; expected one name per rule`, 2);
  const templates = new Map<string, SpecTemplate>();
  for (const rule of config.rules) {
    if (!rule.spec) continue;
    const path = resolve(dirname(file), rule.spec);
    templates.set(rule.name, { doc: await readYaml(path, `${file}: rule ${rule.name}: spec ${rule.spec}`), baseDir: dirname(path) });
  }
  return { file, config, templates };
}
