// What activities need from the worker that runs them.
import type { Installation } from '../lib/spec/schema.js';
import { runLayout, type RunLayout } from '../lib/run-layout.js';

export interface ActivityConfig {
  /** Root of the run directories, `<dataDir>/runs/<name>/`. */
  dataDir: string;
}

export const layoutOf = (config: ActivityConfig, spec: Installation): RunLayout => runLayout(config.dataDir, spec.metadata.name);
