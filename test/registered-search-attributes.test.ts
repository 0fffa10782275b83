// Which search attributes the server has, asked of the real dev server (the global set-up's,
// which registers the install's): asked once per connection and namespace, not on every start.
import { Connection } from '@temporalio/client';
import { registeredSearchAttributes } from '../lib/temporal/registered-search-attributes.js';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions.js';

const NAMES = Object.values(SEARCH_ATTRIBUTES).map((key) => key.name);

/** A connection to the test server whose operator service counts the ListSearchAttributes calls it makes. */
async function countingConnection(): Promise<{ connection: Connection; real: Connection; asked: () => number }> {
  let asked = 0;
  const real = await Connection.connect({ address: process.env.KATONIC_TEST_TEMPORAL_ADDRESS! });
  const service = real.operatorService;
  const operatorService = new Proxy(service, {
    get: (target, prop, receiver) =>
      prop === 'listSearchAttributes'
        ? (...args: Parameters<typeof service.listSearchAttributes>) => (asked++, target.listSearchAttributes(...args))
        : Reflect.get(target, prop, receiver),
  });
  // The same connection seen through another object, whose operator service is the counting one.
  const connection = Object.create(real, { operatorService: { value: operatorService } }) as Connection;
  return { connection, real, asked: () => asked };
}

describe('registered search attributes (real dev server)', () => {
  it('answers the names the server has, asking it once per connection and namespace', async () => {
    const one = await countingConnection();
    const two = await countingConnection();
    try {
      for (let i = 0; i < 5; i++) expect(await registeredSearchAttributes(one.connection, 'default', [...NAMES, 'KatonicNotRegistered'])).toEqual(NAMES);
      expect(one.asked()).toBe(1);
      await registeredSearchAttributes(two.connection, 'default', NAMES);
      expect(two.asked()).toBe(1);
      // Another namespace is another question (this one does not exist: no attributes, no failure).
      expect(await registeredSearchAttributes(one.connection, 'katonic-no-such-namespace', NAMES)).toEqual([]);
      expect(one.asked()).toBe(2);
    } finally {
      await one.real.close();
      await two.real.close();
    }
  });
});
