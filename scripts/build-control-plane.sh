#!/usr/bin/env bash
# Builds the local Kubernetes control plane's binaries into .tools/control-plane/bin, when a pin
# (or this script) changed since the last build: kube-apiserver, kube-controller-manager,
# kube-scheduler and etcd from tools/control-plane (k8s.io/kubernetes), kwok from tools/kwok.
# Run by scripts/setup.sh; apart from it, so that editing the set-up does not rebuild them.
# Built binaries are also kept in the user's cache, under the same key as the stamp, so another
# clone of the same pins (a worktree, a fresh CI checkout on this machine) copies them instead
# of relinking: KATONIC_TOOLS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/katonic-installer;
# empty: no cache).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

tools_bin=.tools/control-plane/bin
tools_stamp=.tools/control-plane/.built-from
tools_want=$(cat tools/control-plane/go.mod tools/control-plane/go.sum tools/control-plane/etcd/main.go tools/kwok/go.mod tools/kwok/go.sum scripts/build-control-plane.sh | sha256sum | cut -d' ' -f1)
binaries=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)
cache=${KATONIC_TOOLS_CACHE-${XDG_CACHE_HOME:-$HOME/.cache}/katonic-installer}
cached=${cache:+$cache/control-plane/$tools_want}
cache_complete() { [ -n "$cached" ] && for b in "${binaries[@]}"; do [ -x "$cached/$b" ] || return 1; done; }
if { [ ! -f "$tools_stamp" ] || [ "$(cat "$tools_stamp")" != "$tools_want" ]; } && cache_complete; then
  say "copying the local Kubernetes control plane's binaries from $cached (built before from the same pins)"
  rm -rf "$tools_bin"
  mkdir -p "$tools_bin"
  for b in "${binaries[@]}"; do cp -l "$cached/$b" "$tools_bin/" 2>/dev/null || cp "$cached/$b" "$tools_bin/"; done
  echo "$tools_want" > "$tools_stamp"
fi
if [ ! -f "$tools_stamp" ] || [ "$(cat "$tools_stamp")" != "$tools_want" ]; then
  command -v go >/dev/null || die "Go is needed to build the local Kubernetes control plane (kube-apiserver, etcd, kwok): install Go 1.24 or newer (https://go.dev/doc/install, or Debian's golang-go) and run again"
  kube_version=$(cd tools/control-plane && go list -m -f '{{.Version}}' k8s.io/kubernetes)
  say "building the local Kubernetes control plane: kube-apiserver, kube-controller-manager, kube-scheduler $kube_version, etcd and kwok into $tools_bin"
  say "  the first build takes 10 to 20 minutes and about 2 GB of disk (Go's module and build caches); later runs reuse it"
  mkdir -p "$tools_bin"
  log=.tools/control-plane/build.log
  v=k8s.io/component-base/version
  # The version the API server reports (/version), as a release build sets it.
  ldflags="-s -w -X $v.gitVersion=$kube_version -X $v.gitMajor=$(echo "$kube_version" | cut -d. -f1 | tr -d v) -X $v.gitMinor=$(echo "$kube_version" | cut -d. -f2) -X $v.gitTreeState=clean"
  # go build -v names each package as it compiles it: a running count is the progress.
  build() {
    local dir=$1 what=$2 out=$PWD/$tools_bin
    shift 2
    (cd "$dir" && go build -v -trimpath -ldflags="$ldflags" -o "$out/" "$@") 2>&1 | tee -a "$log" |
      awk -v what="$what" '{ n++ } n % 250 == 0 { printf "setup:   %s: %d packages compiled\n", what, n; fflush() }' >&2
    return "${PIPESTATUS[0]}"
  }
  : > "$log"
  build tools/control-plane "Kubernetes $kube_version" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler ./etcd ||
    die "building the Kubernetes binaries failed; the end of $log:$(printf '\n'; tail -n 20 "$log")"
  build tools/kwok kwok sigs.k8s.io/kwok/cmd/kwok ||
    die "building kwok failed; the end of $log:$(printf '\n'; tail -n 20 "$log")"
  echo "$tools_want" > "$tools_stamp"
  say "built: $(ls "$tools_bin" | tr '\n' ' ')"
  if [ -n "$cached" ]; then
    # Into a new directory, renamed when complete: a clone reading the cache never sees half of it.
    mkdir -p "$(dirname "$cached")"
    staging=$(mktemp -d "$cached.XXXXXX")
    for b in "${binaries[@]}"; do cp "$tools_bin/$b" "$staging/"; done
    mv -T "$staging" "$cached" 2>/dev/null || rm -rf "$staging"
  fi
fi
