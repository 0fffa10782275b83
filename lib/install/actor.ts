// Who asks the install to do something: the person behind a CLI call, a ticket delivery or the
// Web UI. Recorded with every operator action, and compared for a gate's named approvers and
// its four-eyes rule. Identity is what the way in vouches for (the OS user, the Jira account
// of a signed delivery); the installer has no accounts of its own.

export type ActorVia = 'cli' | 'jira' | 'servicenow' | 'generic' | 'temporal';

export interface Actor {
  /** A user name (OS user, ServiceNow user) or display name (Jira). */
  name: string;
  /** A stable id where the system has one (Jira accountId). */
  id?: string;
  via: ActorVia;
}

/** The same person: the same id where both have one, else the same name. */
export function samePerson(a: Actor, b: Actor): boolean {
  return a.id && b.id ? a.id === b.id : a.name === b.name;
}

/** Whether a gate's approver list (user names or ids) names this actor. */
export const isNamedIn = (approvers: readonly string[], actor: Actor): boolean =>
  approvers.includes(actor.name) || (!!actor.id && approvers.includes(actor.id));

export const describeActor = (actor: Actor): string => `${actor.name} (${actor.via})`;
