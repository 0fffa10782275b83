#!/usr/bin/env bash
# `npm test` after the set-up: the lint and jest side by side, not one after the other. The
# lint is about 35 s of one core (eslint's type-aware pass most of it), while jest's first
# seconds are its global set-up waiting for the dev server and the control plane, and then the
# SSH fault files waiting for SSH: room for it. Arguments go to jest. The lint's output comes
# after jest's, or as soon as it fails; a red lint is a red run. (Jest is not stopped then: its
# global teardown would not run, and the run's files would stay behind.)
set -uo pipefail
cd "$(dirname "$0")/.."

lint_log=$(mktemp)
trap 'rm -f "$lint_log"' EXIT
npm run --silent lint >"$lint_log" 2>&1 &
lint=$!
node --experimental-vm-modules node_modules/jest/bin/jest.js "$@" &
jest=$!

lint_status=0
if ! wait "$lint"; then
  lint_status=1
  cat "$lint_log"
  printf 'test: the lint failed (above); the run goes on, and fails\n' >&2
fi
wait "$jest"
jest_status=$?
[ "$lint_status" = 0 ] && cat "$lint_log"
[ "$lint_status" = 0 ] || printf 'test: the lint failed (its output is above)\n' >&2
exit $((jest_status != 0 ? jest_status : lint_status))
