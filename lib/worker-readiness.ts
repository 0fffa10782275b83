// When a worker is ready for work, as its readiness probe says (worker/health-server.ts): its
// Worker is polling (state RUNNING) and the Temporal server answered it just now. Starting,
// draining on SIGTERM, stopped or failed is not ready; neither is a worker cut off from its
// server (the SDK keeps retrying then, so the state alone would still say RUNNING).

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * `state`: the Worker's (Worker.getState()), undefined while it is being created;
 * `serverProblem`: why the server did not answer, undefined if it did (asked only when RUNNING).
 */
export function workerReadiness(state: string | undefined, serverProblem?: string): Readiness {
  if (state === undefined) return { ready: false, reason: 'the worker is starting: connecting to Temporal and loading its workflows' };
  if (state !== 'RUNNING') return { ready: false, reason: `the worker is ${state.toLowerCase()}, not polling for tasks` };
  if (serverProblem !== undefined) return { ready: false, reason: `the Temporal server did not answer: ${serverProblem}` };
  return { ready: true };
}
