import { validateClusterName, validateKatonicVersion, validateKubeVersion, validateNodeName } from '../lib/cluster/operation-input.js';

describe("day-2 command arguments: the spec's rules, one line naming the argument", () => {
  it('accepts what a spec accepts for the same field', () => {
    expect(validateKubeVersion('1.34.2')).toBeUndefined();
    expect(validateKubeVersion('v1.34.2')).toBeUndefined();
    expect(validateKatonicVersion('4.5')).toBeUndefined();
    expect(validateKatonicVersion('5.0.1-rc.1')).toBeUndefined();
    expect(validateClusterName('acme-prod')).toBeUndefined();
    expect(validateNodeName('worker-2')).toBeUndefined();
  });

  it("refuses the rest with the spec's message, without repeating the value", () => {
    expect(validateKubeVersion('1.34')).toBe('--kube: expected a Kubernetes version such as 1.33.7');
    expect(validateKubeVersion('1.34.2; rm -rf /')).toBe('--kube: expected a Kubernetes version such as 1.33.7');
    expect(validateKatonicVersion('latest')).toBe('--katonic: expected a Katonic version such as "4.5" or "5.0.1"');
    expect(validateKatonicVersion(4.5)).toBe('--katonic: expected a version string (quote it in YAML: "4.5")');
    expect(validateClusterName('Acme_Prod')).toBe('NAME: expected a DNS label: lower-case letters, digits and "-", at most 63 characters');
    expect(validateNodeName('worker-2\u202e')).toBe('NODE: expected a DNS label: lower-case letters, digits and "-", at most 63 characters');
  });
});
