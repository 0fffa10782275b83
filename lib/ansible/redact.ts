// Secret values a run was given, cut out of what Ansible prints before it is kept anywhere
// (the events file in the run directory, heartbeats, failure details): a role that prints a
// variable, or a failure message that quotes one, does not carry the secret further.
export const REDACTED = '********';

// Shorter values would blank out ordinary words of the output; such a secret is weak anyway.
const MIN_LENGTH = 4;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that replaces every secret (as it is, and as it appears inside JSON) with REDACTED. */
export function redactor(secrets: string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), ...secret.split(/\r?\n/)]) if (form.trim().length >= MIN_LENGTH) forms.add(form);
  }
  if (!forms.size) return (text) => text;
  // Longest first, so that a secret containing another is cut whole.
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return (text) => text.replace(pattern, REDACTED);
}
