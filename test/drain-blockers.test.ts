// What stands in a drain's way, without a server: which pods a drain leaves, label selectors,
// the budgets that would refuse a node's pods now (the eviction handler's rules), the API
// server's refusals read from their bodies, and the one-line messages naming budgets and pods.
import { nodeBlockers, parseEvictionRefusal, refusalBlockers, refusedByBudget, type DisruptionBudget } from '../lib/cluster/disruption-budgets.js';
import { drainBlockedMessage, drainTimedOutMessage } from '../lib/cluster/drain-failures.js';
import { selectorMatches } from '../lib/cluster/label-selector.js';
import { skipReason, type NodePod } from '../lib/cluster/node-pods.js';

const pod = (name: string, change: Partial<NodePod> = {}): NodePod => ({
  namespace: 'katonic',
  name,
  uid: `uid-${name}`,
  labels: { app: 'api' },
  controllerKind: 'ReplicaSet',
  mirror: false,
  phase: 'Running',
  ready: true,
  terminating: false,
  ...change,
});

const budget = (name: string, change: Partial<DisruptionBudget> = {}): DisruptionBudget => ({
  namespace: 'katonic',
  name,
  selector: { matchLabels: { app: 'api' } },
  disruptionsAllowed: 0,
  desiredHealthy: 2,
  currentHealthy: 2,
  ...change,
});

/** The body kube-apiserver answers a refused eviction with (pkg/registry/core/pod/storage/eviction.go). */
const tooManyRequests = (causes: string[]) =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    reason: 'TooManyRequests',
    details: { causes: causes.map((message) => ({ reason: 'DisruptionBudget', message })) },
    code: 429,
  });

describe('which pods a drain leaves (pure)', () => {
  it('leaves DaemonSet pods and mirror pods, evicts the rest (bare pods and emptyDir pods included)', () => {
    expect(skipReason(pod('calico-node-x', { controllerKind: 'DaemonSet' }))).toBe('DaemonSet pod');
    expect(skipReason(pod('kube-apiserver-m1', { controllerKind: 'Node', mirror: true }))).toBe('mirror pod');
    expect(skipReason(pod('api-7f9'))).toBeUndefined();
    expect(skipReason(pod('debug', { controllerKind: undefined }))).toBeUndefined();
  });
});

describe('label selectors (pure)', () => {
  const labels = { app: 'api', tier: 'web' };
  it('needs every matchLabels pair and every requirement', () => {
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api', tier: 'db' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
  });
  it('selects every pod with an empty selector', () => {
    expect(selectorMatches({}, labels)).toBe(true);
  });
});

describe("the budgets that would refuse a node's pods now (pure)", () => {
  it('lists a budget with fewer allowed disruptions than its pods on the node, naming them', () => {
    const pods = [pod('api-1'), pod('api-2'), pod('web-1', { labels: { app: 'web' } })];
    expect(nodeBlockers(pods, [budget('api-pdb', { disruptionsAllowed: 1, desiredHealthy: 2, currentHealthy: 3 })])).toEqual([
      { pdb: 'katonic/api-pdb', pods: ['katonic/api-1', 'katonic/api-2'], disruptionsAllowed: 1, reason: 'needs 2 healthy, 3 available' },
    ]);
    expect(nodeBlockers(pods, [budget('api-pdb', { disruptionsAllowed: 2 })])).toEqual([]);
  });

  it('does not count pods the API server evicts without asking: not Running, terminating, or unready while the budget is met', () => {
    const pods = [
      pod('pending', { phase: 'Pending' }),
      pod('done', { phase: 'Succeeded' }),
      pod('leaving', { terminating: true }),
      pod('unready', { ready: false }),
    ];
    expect(nodeBlockers(pods, [budget('api-pdb')])).toEqual([]);
  });

  it('counts an unready pod when the budget is not met, unless its policy is AlwaysAllow', () => {
    const unmet = budget('api-pdb', { desiredHealthy: 2, currentHealthy: 1 });
    expect(nodeBlockers([pod('unready', { ready: false })], [unmet])).toEqual([
      { pdb: 'katonic/api-pdb', pods: ['katonic/unready'], disruptionsAllowed: 0, reason: 'needs 2 healthy, 1 available' },
    ]);
    expect(nodeBlockers([pod('unready', { ready: false })], [{ ...unmet, unhealthyPodEvictionPolicy: 'AlwaysAllow' }])).toEqual([]);
  });

  it("looks only at budgets of the pod's namespace that select it; a pod without labels has none; no selector selects nothing", () => {
    const elsewhere = budget('api-pdb', { namespace: 'other' });
    const everything = budget('all-pdb', { selector: {} });
    const noSelector = budget('none-pdb', { selector: undefined });
    expect(nodeBlockers([pod('api-1')], [elsewhere, noSelector])).toEqual([]);
    expect(nodeBlockers([pod('bare', { labels: {} })], [everything])).toEqual([]);
    expect(nodeBlockers([pod('api-1')], [everything]).map((b) => b.pdb)).toEqual(['katonic/all-pdb']);
  });

  it('lists both budgets of a pod that two select, whatever they allow: the eviction API refuses such a pod', () => {
    const blockers = nodeBlockers([pod('api-1')], [budget('a', { disruptionsAllowed: 5 }), budget('b', { disruptionsAllowed: 5 })]);
    expect(blockers.map((b) => [b.pdb, b.pods, b.reason])).toEqual([
      ['katonic/a', ['katonic/api-1'], 'selected by another PodDisruptionBudget too: the eviction API refuses pods of more than one'],
      ['katonic/b', ['katonic/api-1'], 'selected by another PodDisruptionBudget too: the eviction API refuses pods of more than one'],
    ]);
  });
});

describe("the API server's refusals (pure)", () => {
  it('reads the budget and its numbers from the causes of a 429', () => {
    const refusal = parseEvictionRefusal(tooManyRequests(['The disruption budget api-pdb needs 1 healthy pods and has 1 currently']));
    expect(refusal).toEqual({
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      budgets: [{ name: 'api-pdb', reason: 'needs 1 healthy, 1 available' }],
    });
    expect(refusedByBudget(429, refusal)).toBe(true);
  });

  it("keeps the server's reason when it is another (a budget still being processed, a failed sync)", () => {
    const refusal = parseEvictionRefusal(
      tooManyRequests([
        'The disruption budget api-pdb is still being processed by the server.',
        'The disruption budget db-pdb does not allow evicting pods currently because it failed sync: found no controllers for pod "db-0"',
      ]),
    );
    expect(refusal.budgets).toEqual([
      { name: 'api-pdb', reason: 'is still being processed by the server' },
      { name: 'db-pdb', reason: 'does not allow evicting pods currently because it failed sync: found no controllers for pod "db-0"' },
    ]);
  });

  it('names no budget for a 429 without causes or a body that is not JSON, and waits on a 500 only for a pod of two budgets', () => {
    const throttled = parseEvictionRefusal(JSON.stringify({ kind: 'Status', message: 'Too many requests, please try again later.', code: 429 }));
    expect(throttled).toEqual({ message: 'Too many requests, please try again later.', budgets: [] });
    expect(parseEvictionRefusal('<html>bad gateway</html>')).toEqual({ message: '<html>bad gateway</html>', budgets: [] });
    expect(parseEvictionRefusal(undefined)).toEqual({ message: '', budgets: [] });
    const twoBudgets = parseEvictionRefusal(
      JSON.stringify({
        kind: 'Status',
        message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
        code: 500,
      }),
    );
    expect(refusedByBudget(500, twoBudgets)).toBe(true);
    expect(refusedByBudget(500, { message: 'etcdserver: request timed out', budgets: [] })).toBe(false);
    expect(refusedByBudget(403, throttled)).toBe(false);
  });

  it('groups refused pods under the budget each refusal names, or else the budgets selecting the pod', () => {
    const named = parseEvictionRefusal(tooManyRequests(['The disruption budget api-pdb needs 2 healthy pods and has 2 currently']));
    const budgets = [budget('api-pdb'), budget('web-pdb', { selector: { matchLabels: { app: 'web' } }, desiredHealthy: 1, currentHealthy: 1 })];
    const blockers = refusalBlockers(
      [
        { pod: pod('api-1'), refusal: named },
        { pod: pod('api-2'), refusal: named },
        { pod: pod('web-1', { labels: { app: 'web' } }), refusal: { message: '', budgets: [] } },
        { pod: pod('lonely', { labels: { app: 'lonely' } }), refusal: { message: 'Too many requests', budgets: [] } },
      ],
      budgets,
    );
    expect(blockers).toEqual([
      { pdb: 'katonic/api-pdb', pods: ['katonic/api-1', 'katonic/api-2'], disruptionsAllowed: 0, reason: 'needs 2 healthy, 2 available' },
      { pdb: 'katonic/web-pdb', pods: ['katonic/web-1'], disruptionsAllowed: 0, reason: 'needs 1 healthy, 1 available' },
    ]);
  });
});

describe('what a drain that did not finish says (pure)', () => {
  it('names the node, each budget with its pods and numbers, the timeout, and what to do', () => {
    const blockers = [{ pdb: 'katonic/api-pdb', pods: ['katonic/api-7f9'], disruptionsAllowed: 0, reason: 'needs 1 healthy, 1 available' }];
    expect(drainBlockedMessage('worker-2', 60, blockers, [])).toBe(
      'drain of worker-2 blocked by PodDisruptionBudget katonic/api-pdb (pod katonic/api-7f9: needs 1 healthy, 1 available) after 60 s. ' +
        'worker-2 stays cordoned: let the budget allow a disruption (more healthy replicas on other nodes, or a relaxed budget), then retry',
    );
  });

  it('joins several budgets, bounds long pod lists, and adds refusals no budget explains', () => {
    const many = Array.from({ length: 7 }, (_, i) => `katonic/api-${i}`);
    const message = drainBlockedMessage(
      'worker-2',
      30,
      [
        { pdb: 'katonic/api-pdb', pods: many, disruptionsAllowed: 0, reason: 'needs 7 healthy, 7 available' },
        { pdb: 'katonic/db-pdb', pods: ['katonic/db-0'], disruptionsAllowed: 0, reason: 'needs 1 healthy, 1 available' },
      ],
      [{ pod: 'katonic/lonely', message: 'Too many requests' }],
    );
    expect(message).toContain(
      'blocked by PodDisruptionBudget katonic/api-pdb (pods katonic/api-0, katonic/api-1, katonic/api-2, katonic/api-3, katonic/api-4 and 2 more: needs 7 healthy, 7 available) ' +
        'and PodDisruptionBudget katonic/db-pdb (pod katonic/db-0: needs 1 healthy, 1 available); the API server refused evicting katonic/lonely (Too many requests) after 30 s.',
    );
    expect(drainBlockedMessage('w', 5, [], [{ pod: 'a/b', message: '' }])).toMatch(
      /^drain of w blocked: the API server refused evicting a\/b \(no message\) after 5 s\./,
    );
  });

  it('names the pods still terminating at the timeout', () => {
    expect(drainTimedOutMessage('worker-2', 60, ['katonic/db-0'])).toBe(
      'drain of worker-2: evicted pod katonic/db-0 still terminating after 60 s (a finalizer, or a kubelet that does not answer). ' +
        'worker-2 stays cordoned: see why the pods do not go, then retry',
    );
  });
});
