// Phase inventory: the Kubespray inventory, group_vars and the Katonic role's vars,
// written to the run directory exactly as `kinstall plan --out` shows them.
import { Context } from '@temporalio/activity';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import { inventoryDigest, renderInventoryFiles } from '../lib/inventory/render.js';
import type { OnpremInstallation } from '../lib/spec/schema.js';
import { layoutOf, type ActivityConfig } from './activity-config.js';
import { writeFilesAtomically } from './write-files.js';

export async function writeInventory(config: ActivityConfig, input: PhaseInput<OnpremInstallation>): Promise<PhaseResult> {
  const layout = layoutOf(config, input.spec);
  const files = renderInventoryFiles(input.spec, layout);
  await writeFilesAtomically(files);
  return {
    attempt: Context.current().info.attempt,
    summary: `wrote ${files.size} files to ${layout.inventoryDir}`,
    inventoryDigest: inventoryDigest(input.spec),
  };
}
