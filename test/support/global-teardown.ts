// Stops the shared dev server and control plane.
export default async function globalTeardown(): Promise<void> {
  await globalThis.katonicTestServices?.stop();
}
