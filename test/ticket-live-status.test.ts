// The live status a ticket shows, without a server: the snapshot of an install's status, its
// one line (Jira's remote link title, the ServiceNow field), Jira's remote link and issue
// property bodies, and the spec's ServiceNow status field.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { InstallStatus, PhaseState } from '../lib/install/status.js';
import { validateSpec } from '../lib/spec/validate.js';
import { issuePropertyOf, remoteLinkOf } from '../lib/tickets/jira-live-status.js';
import { liveStatusLine, liveStatusOf, type LiveStatus } from '../lib/tickets/live-status.js';
import { fixture } from './support/repo.js';

const PHASES = ['preflight', 'inventory', 'kubespray', 'storage', 'katonic', 'verify'];
const ETA = { p50: '2025-06-02T14:32:10.000Z', p90: '2025-06-02T14:40:00.000Z', basis: '3 runs' };
const NOW = '2025-06-02T14:00:00.000Z';

/** An on-prem install whose phases are in these states, at `phase`. */
const statusWith = (states: PhaseState[], more: Partial<InstallStatus> = {}): InstallStatus => ({
  id: 'install-acme',
  cluster: 'acme',
  flow: 'onprem',
  state: 'running',
  phases: PHASES.map((name, i) => ({ name, state: states[i] ?? 'pending', attempts: 1 })),
  operatorActions: [],
  ...more,
});

describe('live status on the ticket (pure)', () => {
  it('is the state, the phase in progress, the phases done and the estimate', () => {
    const status = statusWith(['completed', 'skipped', 'completed', 'completed', 'running'], { phase: 'katonic', eta: ETA });
    expect(liveStatusOf(status)).toEqual({
      id: 'install-acme',
      cluster: 'acme',
      flow: 'onprem',
      state: 'running',
      phase: 'katonic',
      phasesDone: 4,
      phasesTotal: 6,
      eta: ETA,
    });
    // Between phases (the last one finished), no phase; an install that ended has no estimate.
    expect(liveStatusOf(statusWith(['completed'], { phase: 'preflight' })).phase).toBeUndefined();
    expect(liveStatusOf(statusWith(Array(6).fill('completed'), { phase: 'verify', state: 'completed', eta: ETA }))).toEqual({
      id: 'install-acme',
      cluster: 'acme',
      flow: 'onprem',
      state: 'completed',
      phasesDone: 6,
      phasesTotal: 6,
    });
  });

  it('reads as one line: where the install is, the phases done, and the ETA in UTC with its p90', () => {
    const line = (states: PhaseState[], more: Partial<InstallStatus>) => liveStatusLine(liveStatusOf(statusWith(states, more)), NOW);
    expect(line(['completed', 'completed', 'completed', 'completed', 'running'], { phase: 'katonic', eta: ETA })).toBe(
      'Katonic install-acme: katonic phase running (4/6 phases done), ETA 14:32 UTC (p90 14:40, 3 runs)',
    );
    expect(line([], {})).toBe('Katonic install-acme: running (0/6 phases done)');
    expect(line(['completed', 'completed', 'failed'], { phase: 'kubespray', state: 'waiting-for-operator' })).toBe(
      'Katonic install-acme: waits for an operator at the kubespray phase (2/6 phases done)',
    );
    expect(line(['completed', 'completed'], { phase: 'kubespray', state: 'waiting-for-approval' })).toBe(
      'Katonic install-acme: waits for approval before the kubespray phase (2/6 phases done)',
    );
    expect(line(['completed', 'completed', 'cancelled'], { phase: 'kubespray', state: 'cancelled' })).toBe(
      'Katonic install-acme: cancelled at the kubespray phase (2/6 phases done)',
    );
    expect(line([], { state: 'failed' })).toBe('Katonic install-acme: failed (0/6 phases done)');
    expect(line(Array(6).fill('completed'), { phase: 'verify', state: 'completed' })).toBe('Katonic install-acme: completed (6/6 phases done)');
  });

  it("is Jira's remote link: one per install by its globalId, to the Web UI page, struck through once ended", () => {
    const running = liveStatusOf(statusWith(['completed', 'completed', 'running'], { phase: 'kubespray', eta: ETA }));
    const place = { namespace: 'katonic', url: 'https://temporal.acme.com/namespaces/katonic/workflows/install-acme' };
    expect(remoteLinkOf(running, place, NOW)).toEqual({
      globalId: 'katonic-install:katonic/install-acme',
      application: { type: 'io.katonic.installer', name: 'Katonic installer' },
      relationship: 'Katonic install',
      object: {
        url: place.url,
        title: 'Katonic install-acme: kubespray phase running (2/6 phases done), ETA 14:32 UTC (p90 14:40, 3 runs)',
        summary: 'Cluster acme, onprem flow',
        status: { resolved: false },
      },
    });
    const ended: LiveStatus = { ...running, state: 'completed', phase: undefined, phasesDone: 6, eta: undefined };
    expect(remoteLinkOf(ended, place, NOW).globalId).toBe(remoteLinkOf(running, place, NOW).globalId);
    expect(remoteLinkOf(ended, place, NOW).object.status).toEqual({ resolved: true });
  });

  it("is Jira's issue property katonic.install: the status as data, and when it was written", () => {
    const live = liveStatusOf(statusWith(['completed', 'completed', 'running'], { phase: 'kubespray', eta: ETA }));
    expect(JSON.parse(JSON.stringify(issuePropertyOf(live, '2025-06-02T13:50:00.000Z')))).toEqual({
      id: 'install-acme',
      cluster: 'acme',
      flow: 'onprem',
      state: 'running',
      phase: 'kubespray',
      phasesDone: 2,
      phasesTotal: 6,
      eta: { p50: '2025-06-02T14:32:10.000Z', p90: '2025-06-02T14:40:00.000Z', basis: '3 runs' },
      updatedAt: '2025-06-02T13:50:00.000Z',
    });
  });

  it('takes a ServiceNow column set in place as the status field: not a sys_ field, not a journal', () => {
    const withField = (statusField: string) => {
      const doc = yaml.load(readFileSync(fixture('acme-prod.yaml'), 'utf8')) as { spec: Record<string, unknown> };
      doc.spec.notify = {
        servicenow: { url: 'https://acme.service-now.com', table: 'sc_req_item', sysId: 'a'.repeat(32), user: 'katonic', passwordRef: 'env:SNOW', statusField },
      };
      const result = validateSpec(doc);
      return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(withField('u_katonic_status')).toEqual([]);
    expect(withField('U Katonic')).toEqual(['spec.notify.servicenow.statusField: expected a column name such as u_katonic_status']);
    for (const column of ['work_notes', 'comments', 'sys_updated_on'])
      expect(withField(column)).toEqual([
        'spec.notify.servicenow.statusField: expected a column set in place, not a sys_ field or a journal (work_notes, comments)',
      ]);
  });
});
