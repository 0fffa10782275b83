// The worker's readiness decision, without a server: ready only when its Worker polls and the
// Temporal server answered.
import { workerReadiness } from '../lib/worker-readiness.js';

describe('worker readiness', () => {
  it('is ready when the worker is RUNNING and the server answered', () => {
    expect(workerReadiness('RUNNING')).toEqual({ ready: true });
  });

  it('is not ready while starting, draining, stopped or failed, saying which', () => {
    expect(workerReadiness(undefined)).toEqual({ ready: false, reason: expect.stringContaining('starting') });
    for (const state of ['INITIALIZED', 'DRAINING', 'STOPPING', 'STOPPED', 'FAILED']) {
      expect(workerReadiness(state)).toEqual({ ready: false, reason: `the worker is ${state.toLowerCase()}, not polling for tasks` });
    }
  });

  it('is not ready when RUNNING but the server did not answer, with the reason', () => {
    expect(workerReadiness('RUNNING', 'deadline exceeded')).toEqual({ ready: false, reason: 'the Temporal server did not answer: deadline exceeded' });
  });
});
