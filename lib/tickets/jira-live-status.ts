// The live status as Jira Cloud keeps it on the issue: one remote link per install (upserted by
// its globalId, so each update replaces the last: POST /rest/api/3/issue/{key}/remotelink) whose
// title is the status line and which is struck through ("resolved") once the install ended, and
// the issue property `katonic.install` (PUT /rest/api/3/issue/{key}/properties/katonic.install)
// with the same status as data, for automation and JQL-minded apps.
import { isFinal, liveStatusLine, type LiveStatus } from './live-status.js';

export const ISSUE_PROPERTY_KEY = 'katonic.install';

/** Where the link points and what names the install across Temporal namespaces. */
export interface LinkPlace {
  namespace: string;
  /** The install's page: the Temporal Web UI's when the worker knows it, else the issue's own. */
  url: string;
}

/** One link per install in a namespace: a resumed run (the same workflow id) updates the same link. */
export const remoteLinkGlobalId = (namespace: string, id: string): string => `katonic-install:${namespace}/${id}`;

/** The request body of the remote link upsert (every field is sent each time: Jira sets the fields left out to null). */
export function remoteLinkOf(live: LiveStatus, place: LinkPlace, now: string) {
  return {
    globalId: remoteLinkGlobalId(place.namespace, live.id),
    application: { type: 'io.katonic.installer', name: 'Katonic installer' },
    relationship: 'Katonic install',
    object: {
      url: place.url,
      title: liveStatusLine(live, now),
      summary: `Cluster ${live.cluster}, ${live.flow} flow`,
      status: { resolved: isFinal(live) },
    },
  };
}

/** The value of the issue property `katonic.install`: the live status, and when the worker wrote it. */
export const issuePropertyOf = (live: LiveStatus, updatedAt: string): LiveStatus & { updatedAt: string } => ({ ...live, updatedAt });
