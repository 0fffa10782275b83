// What activities need from the worker that runs them.
import type { KeyRing } from '../lib/codec/key-ring.js';
import type { Installation } from '../lib/spec/schema.js';
import { runLayout, type RunLayout } from '../lib/run-layout.js';

export interface ActivityConfig {
  /** Root of the run directories, `<dataDir>/runs/<name>/`. */
  dataDir: string;
  /** The codec's keys: what seals and opens the values phases hand on (lib/codec/sealed-value.ts). */
  keyRing: KeyRing;
}

export const layoutOf = (config: ActivityConfig, spec: Installation): RunLayout => runLayout(config.dataDir, spec.metadata.name);
