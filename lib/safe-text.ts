// Text that came from outside (a spec, a ticket, a file name, a YAML key) made safe to
// print: control and invisible formatting characters could recolour, move the cursor in
// or clear an operator's terminal, or fake a line of output, so they are shown escaped.

// Unprintable but tab, line feed and carriage return: C0 and C1 controls, DEL, and the
// invisible formatting characters (bidirectional overrides, zero-width, line separators).
const HIDDEN =
  '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const pattern = (alsoEscaped: string, flags: string) => new RegExp(`[${alsoEscaped}${HIDDEN}]|${LONE_SURROGATE}`, flags);

const UNPRINTABLE = pattern('\\t\\n\\r', 'g');
const UNPRINTABLE_BUT_NEWLINE = pattern('\\t\\r', 'g');
const CONTROL = pattern('', '');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeOne = (ch: string): string => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One fragment of outside text, every unprintable character escaped (line breaks too). */
export function escapeText(text: string): string {
  return text.replace(UNPRINTABLE, escapeOne);
}

/** A whole message for the terminal: its own line breaks kept, everything else escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNPRINTABLE_BUT_NEWLINE, escapeOne);
}

/** Outside text quoted for a message: escaped and cut to `max` characters. */
export function quoteText(text: string, max = 80): string {
  const escaped = escapeText(text);
  return `"${escaped.length > max ? `${escaped.slice(0, max)}…` : escaped}"`;
}

/** Characters no spec value needs: everything unprintable except tab and line breaks. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}
