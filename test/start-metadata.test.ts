import { startMetadata } from '../lib/install/start-metadata.js';
import { loadDemoSpec } from './support/e2e-harness.js';

describe("an install's Web UI summary and details at start", () => {
  it('name its cluster, flow and ticket, whichever way it starts', async () => {
    const spec = await loadDemoSpec();
    expect(startMetadata(spec)).toEqual({
      staticSummary: 'Katonic install of local-demo (onprem) for DEMO-1',
      staticDetails: 'Cluster: **local-demo**\n\nFlow: **onprem**\n\nTicket: **DEMO-1**',
    });
  });
});
