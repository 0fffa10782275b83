// Which installs `kinstall list` shows: by cluster, ticket and state, as a visibility query on
// the search attributes the install keeps (workflows/definitions.ts). Each value is checked
// against its own form first, so none can change the query's meaning (the forms have no quote).
import { dnsLabelSchema, ticketSchema } from '../spec/schema.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';
import { INSTALL_STATES, type InstallState } from './status.js';

export interface InstallFilter {
  cluster?: string;
  ticket?: string;
  state?: InstallState;
}

export class InstallFilterError extends Error {
  constructor(
    readonly field: keyof InstallFilter,
    message: string,
  ) {
    super(`--${field} ${message}`);
  }
}

/** The filter from the command line's values; a bad one throws naming its flag and the form expected. */
export function parseInstallFilter(values: { cluster?: string; ticket?: string; state?: string }): InstallFilter {
  const filter: InstallFilter = {};
  if (values.cluster !== undefined) {
    const r = dnsLabelSchema.safeParse(values.cluster);
    if (!r.success) throw new InstallFilterError('cluster', `${JSON.stringify(values.cluster)}: ${r.error.issues[0]!.message}`);
    filter.cluster = r.data;
  }
  if (values.ticket !== undefined) {
    const r = ticketSchema.safeParse(values.ticket);
    if (!r.success) throw new InstallFilterError('ticket', `${JSON.stringify(values.ticket)}: ${r.error.issues[0]!.message}`);
    filter.ticket = r.data;
  }
  if (values.state !== undefined) {
    const state = INSTALL_STATES.find((s) => s === values.state);
    if (!state) throw new InstallFilterError('state', `${JSON.stringify(values.state)}: expected one of ${INSTALL_STATES.join(', ')}`);
    filter.state = state;
  }
  return filter;
}

/** The visibility query for the install workflows the filter keeps. */
export function installListQuery(workflowType: string, filter: InstallFilter): string {
  const terms = [`WorkflowType = '${workflowType}'`];
  if (filter.cluster) terms.push(`${SEARCH_ATTRIBUTES.cluster.name} = '${filter.cluster}'`);
  if (filter.ticket) terms.push(`${SEARCH_ATTRIBUTES.ticket.name} = '${filter.ticket}'`);
  if (filter.state) terms.push(`${SEARCH_ATTRIBUTES.state.name} = '${filter.state}'`);
  return terms.join(' AND ');
}
