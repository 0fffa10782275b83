// Test files that need a tool a developer's machine may lack (root and network namespaces for
// the SSH nodes, nginx for the TLS proxy) skip, with a warning, where it is missing. In CI
// (CI set) they fail instead: CI's set-up installs every tool, so a skip there is a broken
// set-up, and a skipped file would pass tests that never ran.

/** `describe` if nothing is `unavailable`; otherwise `describe.skip` with a warning, or in CI a failure. */
export function describeIfAvailable(what: string, unavailable: string | undefined): jest.Describe {
  if (!unavailable) return describe;
  if (process.env.CI) throw new Error(`${what} cannot run in CI: ${unavailable}`);
  console.warn(`Skipping ${what}: ${unavailable}`);
  return describe.skip;
}
