// What the server and the metrics learn of an install as it changes: its search attributes
// (those the server has), and, since the publish-status patch, its status as memo (what
// `kinstall status` shows when no worker answers) and the Web UI's current details.
import { setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { currentDetails } from '../lib/install/current-details.js';
import type { RunChange } from '../lib/install/install-run.js';
import type { InstallStatus } from '../lib/install/status.js';
import { SEARCH_ATTRIBUTES } from './definitions.js';
import { installMetrics } from './install-metrics.js';

export class ServerView {
  /** The Katonic search attributes the server has (asked once per run). */
  registered: string[] = [];
  private readonly metrics;

  constructor(
    private readonly status: InstallStatus,
    /** Runs from before the publish-status patch only set the attribute that changed, and nothing else. */
    private readonly publishing: boolean,
  ) {
    this.metrics = installMetrics(status.id);
  }

  changed(change: RunChange): void {
    switch (change.kind) {
      case 'accepted':
        return this.accepted();
      case 'state':
        this.metrics.state(change.state);
        return this.announce([{ key: SEARCH_ATTRIBUTES.state, value: change.state }]);
      case 'phase':
        return this.announce([{ key: SEARCH_ATTRIBUTES.phase, value: change.phase }]);
      case 'run-started':
        // The Web UI's details only (not a command: runs from before replay as they were).
        if (this.publishing) setCurrentDetails(this.details());
        return;
      case 'phase-ended':
        return this.metrics.phaseEnded(change.phase, change.outcome, change.seconds);
      case 'waited':
        return this.metrics.waited(change.reason, change.seconds);
    }
  }

  /** The spec was accepted: runs from before the patch set the cluster and ticket attributes here. */
  private accepted(): void {
    if (this.publishing) return;
    const { cluster, ticket } = this.status;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.cluster, value: cluster }, ...(ticket ? [{ key: SEARCH_ATTRIBUTES.ticket, value: ticket }] : [])]);
  }

  private announce(changed: SearchAttributeUpdatePair[]): void {
    if (!this.publishing) return upsertSearchAttributes(changed);
    const { cluster, ticket, phase, state, eta } = this.status;
    // The ETA goes (null) when the install ends or waits for someone: a list sorted by it shows installs ending soonest.
    const values = { cluster, ticket, phase, state, eta: eta ? new Date(eta.p50) : null };
    const pairs = Object.entries(SEARCH_ATTRIBUTES).flatMap(([field, key]) => {
      const value = values[field as keyof typeof values];
      return value !== undefined && value !== '' && this.registered.includes(key.name) ? [{ key, value } as SearchAttributeUpdatePair] : [];
    });
    if (pairs.length) upsertSearchAttributes(pairs);
    upsertMemo({ status: this.status });
    setCurrentDetails(this.details());
  }

  private details(): string {
    return currentDetails(this.status, new Date().toISOString());
  }
}
