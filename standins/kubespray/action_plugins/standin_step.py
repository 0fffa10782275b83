# One step of a stand-in (the Kubespray stand-in's playbooks and the Katonic role stand-in).
#
# Runs on the controller. For every run of a task, on every host, it:
#   0. over SSH, runs `ping` on the host (so the host's reachability matters, as for Kubespray);
#   1. appends "<phase> <task name> <inventory host>" to <data_dir>/runs/<install>/journal.log;
#   2. fails if the extra var `standin_fail` asks for it (counted under <run_dir>/standin-counters/);
#   3. sleeps `standin_delay_seconds`, every phase's steps or, a mapping, its phase's, varied per
#      task and host by `standin_delay_jitter` when set (stops early if ansible-playbook goes away);
#      with `standin_delay_runs` N, in the phase's first N runs only (a test's fault needs the time
#      in the run it breaks, not in the retries after);
#   4. does the step's optional work: check the inventory groups or a kubeconfig, copy the
#      cluster's admin kubeconfig, server-side apply Nodes, Namespaces or manifests, or cordon,
#      uncordon or delete this host's Node, in the cluster (the local control plane: a real
#      kube-apiserver).
#
# Arguments (all optional):
#   phase: the phase written to the journal; default: the variable `standin_phase`
#   first: true on the phase's first task (what a `standin_fail` entry without `task` targets)
#   changed: what to report as `changed` (default true)
#   require_groups: inventory groups that must exist and have hosts
#   write_kubeconfig: where to copy the cluster's admin kubeconfig (empty: nowhere)
#   register_node: true to register this host's Node, as its kubelet would (an upgraded kubelet
#                  registers it again: kubeletVersion is kube_version)
#   cordon_node: true to cordon this host's Node as Kubespray's upgrade/pre-upgrade does: only
#                when it is Ready and schedulable; sets the fact `needs_cordoning` to whether it did
#   uncordon_node: true to uncordon this host's Node (Kubespray's upgrade/post-upgrade, when
#                  `needs_cordoning`)
#   delete_node: true to delete this host's Node, as Kubespray's remove-node/post-remove does
#                (`kubectl delete node`; a Node that is not there is no error)
#   apply_manifests: YAML files whose objects are server-side applied to the cluster
#   cluster_kubeconfig: the cluster "Kubespray built" (the kubeconfig for the options above);
#                       default <katonic_data_dir>/control-plane/admin.conf
#   kubeconfig: a kubeconfig to read (checked; namespaces are applied with it); its user may
#               have a token, a client certificate or an exec credential plugin
#   namespaces: names of Namespaces to server-side apply using `kubeconfig`
#   mesh: {mode, revision} of the mesh the `namespaces` join (the Katonic role's
#         katonic_mesh_*): deploy labels them istio-injection=enabled; existing labels them
#         istio.io/rev=<revision> and applies a PeerAuthentication STRICT in each; none: nothing
#   deploy_mesh: {namespace, revision, crd}: Istio as the Katonic role deploys it, minimally,
#                using `kubeconfig`: the namespace, the PeerAuthentication CRD (the file `crd`),
#                an istiod Deployment shaped as Istio's istio-discovery chart makes it (labelled
#                katonic.ai/install=<install>) and a mesh-wide PeerAuthentication STRICT
from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

DEFAULT_KUBELET_VERSION = 'v1.31.4'


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        self.vars = task_vars or {}
        args = self._task.args
        self.host = self.vars['inventory_hostname']
        self.task_name = (self._task.name or self._task.action).strip()
        self.phase = str(args.get('phase') or self._var('standin_phase') or '')
        if not self.phase:
            raise AnsibleActionFail('standin_step: no phase (set the variable standin_phase or the argument phase)')
        data_dir = self._var('katonic_data_dir')
        install = self._var('katonic_install_name')
        if not data_dir or not install:
            raise AnsibleActionFail('standin_step: katonic_data_dir and katonic_install_name must be set')
        self.data_dir = str(data_dir)
        self.run_dir = str(self._var('katonic_run_dir') or os.path.join(self.data_dir, 'runs', str(install)))

        if self._connection.transport != 'local':
            unreachable = self._reach_host(task_vars)
            if unreachable:
                result.update(unreachable)
                return result
        self._journal(os.path.join(self.data_dir, 'runs', str(install), 'journal.log'))
        self._maybe_fail(boolean(args.get('first', False)))
        self._sleep(self._delay_seconds())

        result['changed'] = boolean(args.get('changed', True))
        result['standin'] = {'phase': self.phase, 'task': self.task_name, 'host': self.host}
        if args.get('require_groups'):
            self._require_groups(args['require_groups'])
        if args.get('kubeconfig'):
            api = self._api_from_kubeconfig(str(args['kubeconfig']))
            result['server'] = api['server']
            if args.get('deploy_mesh'):
                self._deploy_mesh(api, args['deploy_mesh'], str(install))
            mesh = args.get('mesh') or {}
            labels = _enrolment_labels(mesh)
            for name in args.get('namespaces') or []:
                meta = dict({'name': str(name)}, **({'labels': labels} if labels else {}))
                self._apply(api, '/api/v1/namespaces/' + _q(name), {'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': meta})
                if mesh.get('mode') == 'existing':
                    body = _strict_peer_authentication(str(name))
                    self._apply(api, _object_path(body), body)
        node_work = [name for name in ('register_node', 'cordon_node', 'uncordon_node', 'delete_node') if boolean(args.get(name, False))]
        if args.get('write_kubeconfig') or node_work or args.get('apply_manifests'):
            cluster = str(args.get('cluster_kubeconfig') or os.path.join(self.data_dir, 'control-plane', 'admin.conf'))
            if not os.path.isfile(cluster):
                raise AnsibleActionFail('the cluster is not running: no kubeconfig at %s' % cluster)
            api = self._api_from_kubeconfig(cluster)
            if args.get('write_kubeconfig'):
                result['kubeconfig'] = self._copy_kubeconfig(cluster, str(args['write_kubeconfig']))
            if 'cordon_node' in node_work:
                result['ansible_facts'] = {'needs_cordoning': self._cordon_node(api)}
            if 'register_node' in node_work:
                self._register_node(api)
            if 'uncordon_node' in node_work:
                self._set_unschedulable(api, False)
            if 'delete_node' in node_work:
                self._request(api, 'DELETE', self._node_path(), None, accept_missing=True)
            for manifest in args.get('apply_manifests') or []:
                with open(str(manifest)) as f:
                    for body in yaml.safe_load_all(f):
                        if body:
                            self._apply(api, _object_path(body), body)
        return result

    def _reach_host(self, task_vars):
        """Over SSH the step runs `ping` on its host (with become when the play asks for it), as
        Kubespray's tasks reach theirs: an unreachable host, a refused key or a full disk there
        fails the step the way it would fail Kubespray. Returns the result of an unreachable
        host (reported as unreachable, not as a failed task), or None."""
        try:
            result = self._execute_module(module_name='ansible.builtin.ping', module_args={}, task_vars=task_vars)
        except AnsibleConnectionFailure as e:
            result = {'unreachable': True, 'msg': str(e)}
        if result.get('unreachable'):
            # The connection is gone: cleanup must not try to remove a temp directory through it
            # (its failure would be reported as a failed task, not an unreachable host).
            self._connection._shell.tmpdir = None
            return {'unreachable': True, 'msg': result.get('msg', 'unreachable')}
        if result.get('failed'):
            raise AnsibleActionFail('the host did not answer ping: %s' % result.get('msg', ''))
        # The step's work on the host is done: its temp directory goes now, while the host
        # answers, so that a link cut during the step's delay fails the next step as unreachable
        # (as it would in Kubespray), not this one's cleanup as a failed task.
        if self._connection._shell.tmpdir:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return None

    def _var(self, name):
        value = self.vars.get(name)
        return self._templar.template(value) if value is not None else None

    # journal, fail injection, delay

    def _journal(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        line = ('%s %s %s\n' % (self.phase, self.task_name, self.host)).encode('utf-8')
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
        finally:
            os.close(fd)

    def _maybe_fail(self, first):
        specs = self._var('standin_fail') or []
        if isinstance(specs, str):
            specs = json.loads(specs) if specs.strip() else []
        if isinstance(specs, dict):
            specs = [specs]
        times = 0
        for spec in specs:
            if not isinstance(spec, dict):
                raise AnsibleActionFail('standin_fail entries must be objects, got %r' % (spec,))
            if spec.get('phase') not in (None, '', self.phase):
                continue
            if spec.get('task') not in (None, '') and spec['task'] != self.task_name:
                continue
            if spec.get('task') in (None, '') and not first:
                continue
            if spec.get('host') not in (None, '') and spec['host'] != self.host:
                continue
            times = max(times, int(spec.get('times', 1)))
        if times <= 0:
            return
        key = '%s %s %s' % (self.phase, self.task_name, self.host)
        count = self._update_counter(key, lambda text: str(int(text or 0) + 1))
        if int(count) <= times:
            raise AnsibleActionFail('standin: injected failure %s of %d for task %s on host %s'
                                    % (count, times, self.task_name, self.host))

    def _update_counter(self, key, update):
        """The text of <run_dir>/standin-counters/<key>, changed by `update` under a lock (every
        host's step runs in a process of its own); the new text."""
        safe = re.sub(r'[^A-Za-z0-9._-]+', '_', key)[:80]
        path = os.path.join(self.run_dir, 'standin-counters',
                            '%s-%s' % (safe, hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            text = update(os.read(fd, 4096).decode())
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, text.encode())
        finally:
            os.close(fd)
        return text

    def _delay_seconds(self):
        # A number for every step, or per phase ({kubespray: 2}; a phase not named: none), so
        # that a test gives time where it injects a fault and does not wait in the other phases.
        delay = self._var('standin_delay_seconds') or 0
        if isinstance(delay, dict):
            delay = delay.get(self.phase) or 0
        runs = self._var('standin_delay_runs')
        if float(delay) and runs not in (None, '') and not self._in_first_runs(int(runs)):
            return 0.0
        jitter = self._var('standin_delay_jitter')
        return float(delay) * (_delay_factor(jitter, self.task_name, self.host) if jitter else 1.0)

    def _in_first_runs(self, n):
        # A run of the phase is one ansible-playbook, this step's parent process: the first n
        # to ask are recorded, one pid a line.
        run = str(os.getppid())
        recorded = self._update_counter('delay runs %s' % self.phase,
                                        lambda text: text if run in text.split() or len(text.split()) >= n else text + run + '\n')
        return run in recorded.split()

    def _sleep(self, seconds):
        # Small slices so that the step also ends when ansible-playbook itself is killed
        # (SIGINT/SIGTERM to the process group interrupt time.sleep directly).
        parent = os.getppid()
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.2))
            if os.getppid() != parent:
                os._exit(1)

    # checks

    def _require_groups(self, required):
        groups = self.vars.get('groups') or {}
        missing = [g for g in required if not groups.get(g)]
        if missing:
            raise AnsibleActionFail('the inventory is not a Kubespray inventory: group(s) %s missing or empty'
                                    ' (Kubespray needs %s)' % (', '.join(missing), ', '.join(required)))

    # the cluster's Kubernetes API

    def _api_from_kubeconfig(self, path):
        try:
            with open(path) as f:
                config = yaml.safe_load(f) or {}
            context_name = config.get('current-context') or config['contexts'][0]['name']
            context = next(c['context'] for c in config['contexts'] if c['name'] == context_name)
            cluster = next(c['cluster'] for c in config['clusters'] if c['name'] == context['cluster'])
            user = next(u['user'] for u in config['users'] if u['name'] == context['user'])
            if cluster.get('certificate-authority-data'):
                ca_pem = base64.b64decode(cluster['certificate-authority-data']).decode()
            else:
                with open(cluster['certificate-authority']) as f:
                    ca_pem = f.read()
            api = {'server': cluster['server'], 'ca_pem': ca_pem}
            if user.get('token'):
                api['token'] = user['token']
            elif user.get('exec'):
                api['token'] = _exec_credential_token(user['exec'], os.path.dirname(path))
            else:
                api['client_cert'] = base64.b64decode(user['client-certificate-data'])
                api['client_key'] = base64.b64decode(user['client-key-data'])
            return api
        except (OSError, ValueError, KeyError, IndexError, TypeError, StopIteration, yaml.YAMLError) as e:
            raise AnsibleActionFail('cannot use the kubeconfig %s: %s: %s' % (path, type(e).__name__, e))

    def _copy_kubeconfig(self, source, path):
        """Like Kubespray with kubeconfig_localhost: the admin kubeconfig, 0600, in artifacts_dir."""
        if not self._task.check_mode:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = '%s.tmp%d' % (path, os.getpid())
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, 'wb') as f, open(source, 'rb') as src:
                f.write(src.read())
            os.replace(tmp, path)
        return path

    def _node_path(self):
        return '/api/v1/nodes/' + _q(self.host)

    def _register_node(self, api):
        """The Node as a kubelet on a Kubespray node registers it: created with its status in one
        request (kwok, the simulated kubelet, fills in only what a new node leaves empty); when it
        exists already, its labels, taints and status are applied again."""
        node, status = self._node()
        if not self._request(api, 'POST', '/api/v1/nodes', dict(node, status=status['status']), accept_conflict=True):
            self._apply(api, self._node_path(), node)
            self._apply(api, self._node_path() + '/status', status)

    def _cordon_node(self, api):
        """Kubespray's upgrade/pre-upgrade: a Node that is Ready and schedulable is cordoned (and
        drained: the stand-in evicts nothing); one already cordoned, NotReady or missing is left
        alone. Returns whether it cordoned, which decides whether post-upgrade uncordons."""
        node = self._get(api, self._node_path())
        if node is None or node.get('spec', {}).get('unschedulable'):
            return False
        ready = any(c.get('type') == 'Ready' and c.get('status') == 'True' for c in node.get('status', {}).get('conditions') or [])
        if ready:
            self._set_unschedulable(api, True)
        return ready

    def _set_unschedulable(self, api, unschedulable):
        """`kubectl cordon` / `kubectl uncordon`: a patch of spec.unschedulable by kubectl's field
        manager (not server-side apply: registering the node again must not undo it)."""
        self._request(api, 'PATCH', self._node_path() + '?fieldManager=kubectl-cordon', {'spec': {'unschedulable': unschedulable}},
                      'application/merge-patch+json', accept_missing=True)

    def _node(self):
        v = self.vars
        labels = {'kubernetes.io/hostname': self.host, 'kubernetes.io/os': 'linux',
                  'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux',
                  'beta.kubernetes.io/arch': 'amd64'}
        taints = []
        groups = v.get('groups') or {}
        if self.host in groups.get('kube_control_plane', []):
            # kubeadm's control-plane labels (kubeadm init/join, phase mark-control-plane)
            labels['node-role.kubernetes.io/control-plane'] = ''
            labels['node.kubernetes.io/exclude-from-external-load-balancers'] = ''
            # Like Kubespray: a control-plane node that is also a worker (kube_node) is not tainted.
            if self.host not in groups.get('kube_node', []):
                taints.append({'key': 'node-role.kubernetes.io/control-plane', 'effect': 'NoSchedule'})
        version = str(self._var('kube_version') or DEFAULT_KUBELET_VERSION)
        if not version.startswith('v'):
            version = 'v' + version
        ip = str(self._var('ip') or self._var('ansible_host') or self.host)
        meta = {'apiVersion': 'v1', 'kind': 'Node', 'metadata': {'name': self.host}}
        resources = {'cpu': str(self._var('standin_node_cpus') or 8),
                     'memory': '%dGi' % int(self._var('standin_node_memory_gb') or 16),
                     'pods': '110', 'ephemeral-storage': '100Gi'}
        node = dict(meta, metadata={'name': self.host, 'labels': labels}, spec={'taints': taints})
        status = dict(meta, status={
            'addresses': [{'type': 'InternalIP', 'address': ip}, {'type': 'Hostname', 'address': self.host}],
            'capacity': resources,
            'allocatable': resources,
            'nodeInfo': {'kubeletVersion': version, 'kubeProxyVersion': version,
                         'containerRuntimeVersion': 'containerd://1.7.24',
                         'osImage': _os_image(), 'kernelVersion': platform.release(),
                         'operatingSystem': 'linux', 'architecture': 'amd64',
                         'machineID': '', 'systemUUID': '', 'bootID': ''},
        })
        return node, status

    def _deploy_mesh(self, api, mesh, install):
        """Istio as the Katonic role deploys it in mode deploy (minimally): its namespace, the
        PeerAuthentication CRD, istiod (kwok runs its pod) and a mesh-wide STRICT policy."""
        namespace, revision = str(mesh['namespace']), str(mesh['revision'])
        self._apply(api, '/api/v1/namespaces/' + _q(namespace), {'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': namespace}})
        with open(str(mesh['crd'])) as f:
            crd = yaml.safe_load(f)
        self._apply(api, _object_path(crd), crd)
        self._wait_established(api, _object_path(crd))
        for body in _istiod_objects(namespace, revision, install) + [_strict_peer_authentication(namespace)]:
            self._apply(api, _object_path(body), body)

    def _wait_established(self, api, path, seconds=30):
        """A CRD serves its resources once Established (the API server says so in its status)."""
        if self._task.check_mode:
            return
        deadline = time.monotonic() + seconds
        while True:
            crd = self._get(api, path) or {}
            if any(c.get('type') == 'Established' and c.get('status') == 'True' for c in crd.get('status', {}).get('conditions') or []):
                return
            if time.monotonic() > deadline:
                raise AnsibleActionFail('the CRD %s was not Established after %d s' % (path.rsplit('/', 1)[-1], seconds))
            time.sleep(0.2)

    def _apply(self, api, path, body):
        """Server-side apply, TLS verified against the API's CA."""
        # fieldManager: kubespray-standin for the Kubespray stand-in, katonic-standin for the role
        query = '?fieldManager=%s-standin&force=true' % _q(self.phase)
        self._request(api, 'PATCH', path + query, body, 'application/apply-patch+yaml')

    def _request(self, api, method, path, body, content_type='application/json', accept_conflict=False, accept_missing=False):
        """One API request that changes something (nothing in check mode); False when it answered
        409 and `accept_conflict` allows that, or 404 and `accept_missing` does."""
        if self._task.check_mode:
            return True
        return self._send(api, method, path, body, content_type, accept_conflict, accept_missing) is not None

    def _get(self, api, path):
        """The object at `path` (also in check mode), or None when there is none."""
        return self._send(api, 'GET', path, None, accept_missing=True)

    def _send(self, api, method, path, body, content_type='application/json', accept_conflict=False, accept_missing=False):
        """The API's answer, parsed; None for a 409 or 404 the caller accepts."""
        headers = {'Accept': 'application/json'}
        if body is not None:
            headers['Content-Type'] = content_type
        if api.get('token'):
            headers['Authorization'] = 'Bearer ' + api['token']
        request = urllib.request.Request(api['server'].rstrip('/') + path, data=None if body is None else json.dumps(body).encode(),
                                         method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, context=_tls_context(api, self.run_dir), timeout=30) as response:
                return json.loads(response.read() or b'{}')
        except urllib.error.HTTPError as e:
            if (e.code == 409 and accept_conflict) or (e.code == 404 and accept_missing):
                return None
            detail = e.read().decode('utf-8', 'replace')[-1000:]
            raise AnsibleActionFail('%s %s failed: HTTP %d %s' % (method, path, e.code, detail))
        except (urllib.error.URLError, OSError) as e:
            raise AnsibleActionFail('cannot reach the Kubernetes API at %s: %s' % (api['server'], e))


def _exec_credential_token(exec_config, base_dir):
    """The token an exec credential plugin prints (aws eks get-token, kubelogin), run as kubectl runs it."""
    command = str(exec_config['command'])
    if os.sep in command and not os.path.isabs(command):
        command = os.path.join(base_dir, command)
    env = dict(os.environ)
    for entry in exec_config.get('env') or []:
        env[str(entry['name'])] = str(entry.get('value', ''))
    env.setdefault('KUBERNETES_EXEC_INFO', json.dumps({'apiVersion': exec_config.get('apiVersion'), 'kind': 'ExecCredential', 'spec': {'interactive': False}}))
    try:
        done = subprocess.run([command] + [str(a) for a in exec_config.get('args') or []], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise AnsibleActionFail('the exec credential plugin %s could not run: %s' % (os.path.basename(command), e))
    if done.returncode != 0:
        raise AnsibleActionFail('the exec credential plugin %s failed (exit %d): %s'
                                % (os.path.basename(command), done.returncode, done.stderr.decode('utf-8', 'replace')[-300:]))
    return json.loads(done.stdout)['status']['token']


def _unit_hash(*parts):
    """A number in [0, 1) from `parts`, the same on every run and machine (unlike hash())."""
    digest = hashlib.sha256('\0'.join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], 'big') / 2.0 ** 64


def _delay_factor(jitter, task, host):
    """`standin_delay_jitter` {seed, spread}: a task's own typical length (0.3 to 2.0 times the
    delay, from its name alone: the same in every run), times 1 +- spread (from the seed, the
    task and the host: runs with other seeds differ task by task, the same seed repeats)."""
    if not isinstance(jitter, dict) or 'seed' not in jitter:
        raise AnsibleActionFail('standin_delay_jitter: expected {seed: N, spread: 0.5}, got %r' % (jitter,))
    spread = float(jitter.get('spread', 0.5))
    if not 0 <= spread <= 1:
        raise AnsibleActionFail('standin_delay_jitter.spread: expected a number from 0 to 1, got %r' % (spread,))
    typical = 0.3 + 1.7 * _unit_hash('task', task)
    u = 2 * _unit_hash('run', jitter['seed'], task, host) - 1
    return typical * (1 + spread * u)


def _enrolment_labels(mesh):
    """A Katonic namespace's labels for the mesh: istio-injection=enabled selects Istio's default
    revision; a revision of its own (the AKS add-on's asm-1-24) needs istio.io/rev."""
    mode, revision = mesh.get('mode'), str(mesh.get('revision') or '')
    if mode == 'deploy' and revision in ('', 'default'):
        return {'istio-injection': 'enabled'}
    if mode in ('deploy', 'existing'):
        return {'istio.io/rev': revision}
    return {}


def _strict_peer_authentication(namespace):
    """A PeerAuthentication without selector: mesh-wide in the root namespace, else namespace-wide."""
    return {'apiVersion': 'security.istio.io/v1', 'kind': 'PeerAuthentication',
            'metadata': {'name': 'default', 'namespace': namespace}, 'spec': {'mtls': {'mode': 'STRICT'}}}


def _istiod_objects(namespace, revision, install):
    """istiod as Istio's istio-discovery chart names and labels it (istio/istio
    manifests/charts/istio-control/istio-discovery/templates/deployment.yaml): `istiod` for the
    default revision, else `istiod-<revision>`, labelled app=istiod and istio.io/rev."""
    name = 'istiod' if revision == 'default' else 'istiod-' + revision
    selector = {'app': 'istiod', 'istio.io/rev': revision}
    labels = dict(selector, **{'istio': 'pilot', 'katonic.ai/install': install})
    meta = {'name': name, 'namespace': namespace, 'labels': labels}
    account = {'apiVersion': 'v1', 'kind': 'ServiceAccount', 'metadata': meta}
    deployment = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': meta, 'spec': {
        'replicas': 1,
        'selector': {'matchLabels': selector},
        'template': {'metadata': {'labels': dict(selector, **{'sidecar.istio.io/inject': 'false'})}, 'spec': {
            'serviceAccountName': name,
            'containers': [{'name': 'discovery', 'image': 'docker.io/istio/pilot:1.24.3',
                            'args': ['discovery', '--monitoringAddr=:15014'],
                            'env': [{'name': 'REVISION', 'value': revision}]}]}}}}
    return [account, deployment]


def _q(name):
    return urllib.parse.quote(str(name), safe='')


# Where server-side apply sends an object of a kind the stand-ins apply.
_RESOURCES = {
    ('v1', 'Namespace'): 'namespaces', ('v1', 'Node'): 'nodes', ('v1', 'ServiceAccount'): 'serviceaccounts',
    ('v1', 'ConfigMap'): 'configmaps', ('apps/v1', 'DaemonSet'): 'daemonsets', ('apps/v1', 'Deployment'): 'deployments',
    ('apiextensions.k8s.io/v1', 'CustomResourceDefinition'): 'customresourcedefinitions',
    ('security.istio.io/v1', 'PeerAuthentication'): 'peerauthentications',
}
_CLUSTER_SCOPED = {'Namespace', 'Node', 'CustomResourceDefinition'}


def _object_path(body):
    key = (body.get('apiVersion'), body.get('kind'))
    if key not in _RESOURCES:
        raise AnsibleActionFail('standin_step cannot apply %s/%s' % key)
    base = '/api/v1' if key[0] == 'v1' else '/apis/' + key[0]
    meta = body.get('metadata') or {}
    scope = '' if key[1] in _CLUSTER_SCOPED else '/namespaces/' + _q(meta.get('namespace', 'default'))
    return '%s%s/%s/%s' % (base, scope, _RESOURCES[key], _q(meta['name']))


def _tls_context(api, run_dir):
    """TLS verified against the cluster's CA; a client certificate when the kubeconfig has one."""
    context = ssl.create_default_context(cadata=api['ca_pem'])
    if api.get('client_cert'):
        # ssl loads a certificate chain only from files: private ones, removed at once.
        directory = tempfile.mkdtemp(prefix='standin-tls-', dir=run_dir if os.path.isdir(run_dir) else None)
        try:
            cert, key = os.path.join(directory, 'client.crt'), os.path.join(directory, 'client.key')
            for path, data in ((cert, api['client_cert']), (key, api['client_key'])):
                with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'wb') as f:
                    f.write(data)
            context.load_cert_chain(cert, key)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    return context


def _os_image():
    try:
        with open('/etc/os-release') as f:
            for line in f:
                if line.startswith('PRETTY_NAME='):
                    return line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass
    return 'Linux'
