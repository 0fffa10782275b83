// The Web UI's summary and details of an install, fixed when it starts, the same whichever way
// it starts: the CLI's resume (client/api/installs.ts) or its cluster entity (workflows/cluster.ts).
import type { Installation } from '../spec/schema.js';
import { startDetails, startSummary } from './current-details.js';

export function startMetadata(spec: Installation): { staticSummary: string; staticDetails: string } {
  const label = { cluster: spec.metadata.name, flow: spec.spec.flow, ticket: spec.metadata.ticket };
  return { staticSummary: startSummary(label), staticDetails: startDetails(label) };
}
