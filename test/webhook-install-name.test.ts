// The install a retry, resume, approve or cancel rule acts on, named by the ticket: the same
// DNS-label rule as every install name (isDnsLabel), without a server.
import { isDnsLabel } from '../lib/spec/schema.js';
import { installNameOf } from '../lib/webhooks/mapping.js';

const byKey = { field: 'issue.key', lowerCase: true };
// A number comes as it is (lowerCase would refuse it as not text first).
const nameFrom = (key: unknown) => installNameOf(typeof key === 'string' ? byKey : { field: 'issue.key' }, { issue: { key } });

describe('the install name from a ticket', () => {
  it('takes a DNS label, lower-cased as the rule says', () => {
    expect(nameFrom('OPS-42')).toEqual({ ok: true, value: 'ops-42' });
    expect(nameFrom('a'.repeat(63))).toEqual({ ok: true, value: 'a'.repeat(63) });
  });

  it('refuses what the spec would refuse as metadata.name, with the one message', () => {
    const refused = { ok: false, message: 'the install name from the ticket: expected a DNS label' };
    // "-ops-42-" and "ops--" passed the server's own looser check before; no install can have those names.
    for (const key of ['-ops-42-', 'ops-', 'a'.repeat(64), 'ops_42', 'ops.42', 42]) {
      expect([key, nameFrom(key)]).toEqual([key, refused]);
      if (typeof key === 'string') expect(isDnsLabel(key.toLowerCase())).toBe(false);
    }
  });

  it('says which ticket field is missing', () => {
    expect(installNameOf(byKey, { issue: {} })).toEqual({ ok: false, message: 'ticket field issue.key is missing (it gives the install name)' });
  });
});
