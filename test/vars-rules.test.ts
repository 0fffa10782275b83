// The rules for extraVars and retry --vars (pure), and the reserved list checked against the
// installed ansible-core's own list of reserved names.
import { join } from 'node:path';
import { execa } from 'execa';
import { redactor, REDACTED } from '../lib/ansible/redact.js';
import { formatPath } from '../lib/spec/format-path.js';
import { ANSIBLE_RESERVED_NAMES, KUBESPRAY_VARS_WRITTEN, reservedReason } from '../lib/vars/reserved.js';
import { isSecretName } from '../lib/vars/secret-names.js';
import { mapSecretRefs, secretRefsIn, splitSecretVars } from '../lib/vars/secret-refs.js';
import { varsIssues } from '../lib/vars/vars-issues.js';
import { REPO_ROOT } from './support/repo.js';

const problems = (vars: unknown) => varsIssues(vars, ['vars']).map((i) => `${formatPath(i.path)}: ${i.message}`);

describe('variables from a spec or an operator (pure rules)', () => {
  it('keeps the reserved list equal to ansible-core 2.18 get_reserved_names()', async () => {
    const r = await execa(join(REPO_ROOT, '.venv', 'bin', 'python'), [
      '-c',
      'import json; from ansible.vars.reserved import get_reserved_names; print(json.dumps(sorted(get_reserved_names())))',
    ]);
    expect([...ANSIBLE_RESERVED_NAMES].sort()).toEqual(JSON.parse(r.stdout));
  });

  it.each([
    ['ansible_host', 'ansible_* variables (connection, privilege, interpreter) are set by the installer only'],
    ['ansible_connection', 'ansible_* variables'],
    ['ansible_become_exe', 'ansible_* variables'],
    ['ansible_password', 'ansible_* variables'],
    ['katonic_version', 'katonic_* variables are set by the installer only'],
    ['become', 'reserved by Ansible'],
    ['delegate_to', 'reserved by Ansible'],
    ['hostvars', "one of Ansible's special variables"],
    ['inventory_hostname', "one of Ansible's special variables"],
    ...KUBESPRAY_VARS_WRITTEN.map((name) => [name, 'the installer writes']),
  ])('refuses %s, naming it and why', (name, why) => {
    const [problem] = problems({ [name]: 'x' });
    expect(problem).toContain(`vars.${name}: expected no ${name}: `);
    expect(problem).toContain(why);
  });

  it('lets through the stand-ins test controls, Kubespray settings and the allow-listed any_errors_fatal', () => {
    expect(reservedReason('any_errors_fatal')).toBeUndefined();
    expect(
      problems({
        standin_fail: { phase: 'kubespray', times: 2 },
        standin_delay_seconds: 1,
        standin_repeat: 3,
        calico_mtu: 1440,
        any_errors_fatal: false,
        kubeadm_token_ttl: '24h0m0s',
        host_key_checking: false,
      }),
    ).toEqual([]);
  });

  it.each([
    ['registry_password', true],
    ['kubeadm_token', true],
    ['aws_secret_access_key', true],
    ['apiKey', true],
    ['dbpassword', true],
    ['SSH_PRIVATE_KEY', true],
    ['vault_credentials', true],
    ['kubeadm_token_ttl', false],
    ['secret_name', false],
    ['api_key_file', false],
    ['host_key_checking', false],
    ['monkey', false],
    ['calico_mtu', false],
  ])('isSecretName(%s) is %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('refuses secrets given as values at any depth, never repeating them, and accepts references', () => {
    const refused = problems({
      registry_password: 'hunter2',
      registry: { user: 'bob', password: 'hunter2' },
      tokens: [123456],
      key_pem: 'file:/etc/keys/k.pem',
    });
    expect(refused).toEqual([
      'vars.registry_password: expected a secret reference "env:NAME" or "file:PATH": a variable named like a secret (password, token, secret, key, …) is never given in clear text',
      'vars.registry.password: expected a secret reference "env:NAME" or "file:PATH": a variable named like a secret (password, token, secret, key, …) is never given in clear text',
      'vars.tokens[0]: expected a secret reference "env:NAME" or "file:PATH": a variable named like a secret (password, token, secret, key, …) is never given in clear text',
    ]);
    expect(refused.join()).not.toContain('hunter2');
    expect(problems({ registry_password: 'env:REGISTRY_PASSWORD', registry: { user: 'bob', password: 'file:/run/pw' }, kube_token_auth: true })).toEqual([]);
  });

  it('refuses template text, control characters, private keys and odd keys anywhere in the values', () => {
    expect(
      problems({
        a: "{{ lookup('pipe', 'id') }}",
        b: { c: ['{% if 1 %}x{% endif %}'] },
        d: "#jinja2:variable_start_string:'[['\n[[ 1 ]]",
        e: '\u001b[2J',
        f: '-----BEGIN OPENSSH PRIVATE KEY-----',
        g: { '{{ x }}': 1 },
        '1x': 2,
      }),
    ).toEqual([
      'vars.a: expected no template text ("{{", "{%", "{#", "#jinja2:"): values from a spec, a ticket or an operator are data for Ansible, never templates',
      'vars.b.c[0]: expected no template text ("{{", "{%", "{#", "#jinja2:"): values from a spec, a ticket or an operator are data for Ansible, never templates',
      'vars.d: expected no template text ("{{", "{%", "{#", "#jinja2:"): values from a spec, a ticket or an operator are data for Ansible, never templates',
      'vars.e: expected text without control characters (tab and line breaks are fine)',
      'vars.f: expected no private key: give it as a reference "file:PATH" under a variable named like a secret',
      'vars.g["{{ x }}"]: expected a key of 1 to 253 characters without "{", "}", "#", "%" or control characters',
      'vars["1x"]: expected a variable name: letters, digits and "_", not starting with a digit',
    ]);
    expect(problems(['a'])).toEqual(['vars: expected a mapping of variable names to values']);
  });

  it('splits out the variables that hold a secret and maps only the references under secret names', () => {
    const vars = { calico_mtu: 1440, registry: { user: 'bob', password: 'env:PW' }, note: 'env:NOT_A_SECRET', github_token: 'file:/t' };
    const { plain, secret } = splitSecretVars(vars);
    expect(plain).toEqual({ calico_mtu: 1440, note: 'env:NOT_A_SECRET' });
    expect(secret).toEqual({ registry: { user: 'bob', password: 'env:PW' }, github_token: 'file:/t' });
    expect(secretRefsIn(vars).sort()).toEqual(['env:PW', 'file:/t']);
    expect(mapSecretRefs(secret, (ref) => `<${ref}>`)).toEqual({ registry: { user: 'bob', password: '<env:PW>' }, github_token: '<file:/t>' });
  });

  it('redacts secrets from Ansible output, also as they appear inside JSON', () => {
    const redact = redactor(['s3cr"et-value', 'line one of a key\nline two of a key', 'ab']);
    expect(redact('{"msg": "got s3cr\\"et-value"}')).toBe(`{"msg": "got ${REDACTED}"}`);
    expect(redact('x s3cr"et-value y line two of a key')).toBe(`x ${REDACTED} y ${REDACTED}`);
    expect(redact('ab stays: too short to redact')).toBe('ab stays: too short to redact');
  });
});
