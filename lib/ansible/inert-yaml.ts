// The files Ansible reads (inventory, group_vars, extra vars) written so that every string
// in them is data. ansible-core's YAML loader turns a scalar tagged `!unsafe` into a value its
// template engine never evaluates, wherever it is used (also a key, or a string deep inside
// a mapping or list). JSON cannot carry that tag, so these files are YAML, and every string
// is tagged: `{{ … }}`, `{% … %}`, `{# … #}` and a `#jinja2:` header stay text. Only the
// templates the installer writes itself (`AnsibleTemplate`) are left for Ansible to evaluate.
//
import { escapeText } from '../safe-text.js';

// Strings are written double-quoted with everything but printable ASCII escaped, so no
// character can end a scalar early or be read differently by PyYAML (a YAML 1.1 loader).

/** A template the installer itself writes (never text from a spec, a ticket or an operator). */
export class AnsibleTemplate {
  constructor(readonly text: string) {}
}

// A key that cannot be a template nor read as anything but this string by YAML 1.1
// (not a boolean word, null, a number or a merge key) is written plain; any other is
// quoted and tagged like a value.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const YAML11_WORDS = /^(y|yes|n|no|true|false|on|off|null)$/i;

function quoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else out += cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

const unsafe = (text: string) => `!unsafe ${quoted(text)}`;
const key = (k: string) => (PLAIN_KEY.test(k) && !YAML11_WORDS.test(k) ? k : unsafe(k));

function number(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const text = String(n);
  // YAML 1.1 reads 1e+21 as a string: a float needs a dot before its exponent.
  return /e/.test(text) && !text.includes('.') ? text.replace('e', '.0e') : text;
}

const pad = (indent: number) => ' '.repeat(indent);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** A scalar or empty collection on one line, or the lines of a block collection at `indent`. */
function render(value: unknown, indent: number): string | string[] {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return unsafe(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return number(value);
  if (value instanceof AnsibleTemplate) return quoted(value.text);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return value.flatMap((item) => {
      const r = render(item, indent + 2);
      return typeof r === 'string' ? [`${pad(indent)}- ${r}`] : [`${pad(indent)}- ${r[0]!.slice(indent + 2)}`, ...r.slice(1)];
    });
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    return entries.flatMap(([k, v]) => {
      const r = render(v, indent + 2);
      return typeof r === 'string' ? [`${pad(indent)}${key(k)}: ${r}`] : [`${pad(indent)}${key(k)}:`, ...r];
    });
  }
  throw new TypeError(`cannot write a ${Object.prototype.toString.call(value)} for Ansible: only JSON values`);
}

/** A YAML document for Ansible: `comment` lines first (each prefixed "# ", line breaks escaped), then the value. */
export function inertYaml(value: unknown, comment: string[] = []): string {
  const r = render(value, 0);
  const body = typeof r === 'string' ? r : r.join('\n');
  return `${comment.map((line) => `# ${escapeText(line)}\n`).join('')}${body}\n`;
}
