// The variables nobody but the installer sets: one list, used for `spec.extraVars` (validate,
// the workflow's own check of a spec from a webhook or the Web UI) and for `retry --vars`
// (the CLI and the workflow's retry validator).

/** Kubespray variables the installer writes itself (group_vars and host vars of the inventory). */
export const KUBESPRAY_VARS_WRITTEN = [
  'kubeconfig_localhost',
  'artifacts_dir',
  'container_manager',
  'kube_network_plugin',
  'kube_version',
  'ip',
  'access_ip',
] as const;
export type WrittenKubesprayVar = (typeof KUBESPRAY_VARS_WRITTEN)[number];

/** Variables the installer gives the Katonic role besides katonic_*: `kubeconfig` names the cluster it installs into. */
export const ROLE_VARS_WRITTEN = ['kubeconfig'] as const;

/** Ansible's special variables without the ansible_ prefix: what Ansible itself says a host or play is. */
const ANSIBLE_SPECIAL = [
  'hostvars',
  'groups',
  'group_names',
  'inventory_hostname',
  'inventory_hostname_short',
  'inventory_dir',
  'inventory_file',
  'playbook_dir',
  'play_hosts',
  'role_name',
  'role_names',
  'role_path',
  'omit',
];

/**
 * ansible-core 2.18's reserved names (`ansible.vars.reserved.get_reserved_names()`): play and
 * task keywords (`become`, `become_user`, `connection`, `delegate_to`, `environment`, …) and the
 * template engine's globals (`lookup`, `query`, …). A variable by such a name shadows them.
 * test/reserved-vars.test.ts compares this list with the installed ansible-core.
 */
export const ANSIBLE_RESERVED_NAMES = [
  'action',
  'always',
  'any_errors_fatal',
  'args',
  'async',
  'async_val',
  'become',
  'become_exe',
  'become_flags',
  'become_method',
  'become_user',
  'block',
  'changed_when',
  'check_mode',
  'collections',
  'connection',
  'cycler',
  'debugger',
  'delay',
  'delegate_facts',
  'delegate_to',
  'dict',
  'diff',
  'environment',
  'fact_path',
  'failed_when',
  'force_handlers',
  'gather_facts',
  'gather_timeout',
  'handlers',
  'hosts',
  'ignore_errors',
  'ignore_unreachable',
  'joiner',
  'lipsum',
  'local_action',
  'lookup',
  'loop',
  'loop_control',
  'loop_with',
  'max_fail_percentage',
  'module_defaults',
  'name',
  'namespace',
  'no_log',
  'notify',
  'now',
  'order',
  'poll',
  'port',
  'post_tasks',
  'pre_tasks',
  'q',
  'query',
  'range',
  'register',
  'remote_user',
  'rescue',
  'retries',
  'roles',
  'run_once',
  'serial',
  'strategy',
  'tags',
  'tasks',
  'throttle',
  'timeout',
  'undef',
  'until',
  'vars',
  'vars_files',
  'vars_prompt',
  'when',
  'with_',
];

/**
 * Reserved names that may still be set, each for a reason (docs/spec.md, "What is refused, and why").
 * any_errors_fatal: Kubespray's plays read it as a variable (`any_errors_fatal: "{{ any_errors_fatal | default(true) }}"`).
 */
export const ALLOWED_RESERVED = ['any_errors_fatal'];

/** Why `name` cannot be set through extraVars or retry --vars; undefined when it can. */
export function reservedReason(name: string): string | undefined {
  if (ALLOWED_RESERVED.includes(name)) return undefined;
  if (name.startsWith('ansible_')) return 'ansible_* variables (connection, privilege, interpreter) are set by the installer only';
  if (name.startsWith('katonic_')) return 'katonic_* variables are set by the installer only';
  if ((KUBESPRAY_VARS_WRITTEN as readonly string[]).includes(name)) return `the installer writes ${name} itself (from the spec's own fields)`;
  if ((ROLE_VARS_WRITTEN as readonly string[]).includes(name)) return `the installer writes ${name} itself (the credential of the cluster being installed)`;
  if (ANSIBLE_SPECIAL.includes(name)) return `${name} is one of Ansible's special variables`;
  if (ANSIBLE_RESERVED_NAMES.includes(name)) return `${name} is reserved by Ansible (a play keyword or template global)`;
  return undefined;
}
