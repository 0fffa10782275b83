// Stops the shared dev server.
export default async function globalTeardown(): Promise<void> {
  await globalThis.katonicTestServer?.stop();
}
