// A variable whose name says it holds a secret is given as a reference (`env:NAME`,
// `file:PATH`), never as a value. The name is cut into words (at "_", "-", "." and where a
// lower-case letter meets an upper-case one); it names a secret when its last word is one of
// SECRET_WORDS, or when it ends in one of SECRET_ENDINGS without a separator (dbpassword).
// The last word decides, so that kubeadm_token_ttl, secret_name, api_key_file or
// host_key_checking are settings, while registry_password, kubeadm_token or
// aws_secret_access_key are secrets.

export const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'privatekey',
  'credential',
  'credentials',
  'creds',
];
const SECRET_ENDINGS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'credentials'];

export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/)
    .filter(Boolean);
  const last = words.at(-1) ?? '';
  return SECRET_WORDS.includes(last) || SECRET_ENDINGS.some((ending) => last.endsWith(ending));
}
