// Stops the shared dev server and control plane, and removes the run's temporary files
// (KATONIC_KEEP_TEST_FILES=1 keeps them, to look into a failure).
import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  await globalThis.katonicTestServices?.stop();
  const dir = globalThis.katonicTestDir;
  if (!dir) return;
  if (process.env.KATONIC_KEEP_TEST_FILES) console.log(`test files kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
