#!/usr/bin/env bash
# Builds the local Kubernetes control plane's programs into .tools/, each group when one of its
# pins (or this script) changed since its last build:
# - .tools/control-plane: kube-apiserver, kube-controller-manager, kube-scheduler and etcd from
#   tools/control-plane (k8s.io/kubernetes), kwok from tools/kwok, and kwok's default pod
#   stages at that version (bin/kwok-pod-stages.yaml: the control plane gives kwok a pod stage
#   of its own, and kwok then takes none of its defaults);
# - .tools/provisioners: the storage provisioners that serve its volumes, out of cluster:
#   Rancher's local-path-provisioner (tools/local-path-provisioner) and the NFS subdir
#   stand-in (tools/nfs-subdir-standin);
# - .tools/temporal-server: the Temporal Server (tools/temporal-server: temporal-server, whose
#   frontend, history, matching and worker services run as processes of their own, and
#   temporal-sql-tool, which carries the PostgreSQL schemas) and its Web UI server
#   (tools/temporal-ui), for the production-shaped cluster (client/dev/temporal-cluster/).
# Run by scripts/setup.sh; apart from it, so that editing the set-up does not rebuild them.
# Built files are also kept in the user's cache, under the same key as the stamp, so another
# clone of the same pins (a worktree, a fresh CI checkout on this machine) copies them instead
# of relinking: KATONIC_TOOLS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/katonic-installer;
# empty: no cache).
# `--without GROUP` leaves a group as it is (setup.sh --without-temporal-server, for npm start).
set -euo pipefail
cd "$(dirname "$0")/.."
without=
[ "${1-}" = --without ] && without=$2

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

cache=${KATONIC_TOOLS_CACHE-${XDG_CACHE_HOME:-$HOME/.cache}/katonic-installer}

# go build -v names each package as it compiles it: a running count is the progress.
# build DIR WHAT OUT LDFLAGS PACKAGE...: OUT a directory (ending in /) or the one program's file
build() {
  local dir=$1 what=$2 out=$PWD/$3 ldflags=$4
  shift 4
  if ! (cd "$dir" && go build -v -trimpath -ldflags="$ldflags" -o "$out" "$@") 2>&1 | tee -a "$log" |
    awk -v what="$what" '{ n++ } n % 250 == 0 { printf "setup:   %s: %d packages compiled\n", what, n; fflush() }' >&2; then
    die "building $what failed; the end of $log:$(printf '\n'; tail -n 20 "$log")"
  fi
}

all_files() {
  local dir=$1 p
  shift
  for p in "$@"; do [ -f "$dir/$p" ] || return 1; done
}

# ensure_group GROUP WHAT BUILD_FUNCTION INPUT... -- PRODUCT...: the products (paths under
# .tools/GROUP) as built from the inputs: kept when the stamp matches, copied from the cache when
# it has them, otherwise built by BUILD_FUNCTION (which may use $log) and then cached.
ensure_group() {
  local group=$1 what=$2 build_group=$3
  shift 3
  local inputs=() products=()
  while [ "$1" != -- ]; do inputs+=("$1"); shift; done
  shift
  products=("$@")
  local dir=.tools/$group
  local stamp=$dir/.built-from
  local want
  # The group's pins and the code that builds it, not this whole file: adding a group does not
  # rebuild the others.
  want=$({ cat "${inputs[@]}"; declare -f build ensure_group "$build_group"; } | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
  local cached=${cache:+$cache/$group/$want} p
  if [ -n "$cached" ] && all_files "$cached" "${products[@]}"; then
    say "copying $what from $cached (built before from the same pins)"
    rm -rf "$dir"
    for p in "${products[@]}"; do
      mkdir -p "$(dirname "$dir/$p")"
      cp -l "$cached/$p" "$dir/$p" 2>/dev/null || cp "$cached/$p" "$dir/$p"
    done
    echo "$want" > "$stamp"
    return
  fi
  command -v go >/dev/null || die "Go is needed to build $what: install Go 1.24 or newer (https://go.dev/doc/install, or Debian's golang-go) and run again"
  mkdir -p "$dir"
  log=$dir/build.log
  : > "$log"
  "$build_group" "$dir"
  echo "$want" > "$stamp"
  say "built: ${products[*]} in $dir"
  if [ -n "$cached" ]; then
    # Into a new directory, renamed when complete: a clone reading the cache never sees half of it.
    mkdir -p "$(dirname "$cached")"
    local staging
    staging=$(mktemp -d "$cached.XXXXXX")
    for p in "${products[@]}"; do
      mkdir -p "$(dirname "$staging/$p")"
      cp "$dir/$p" "$staging/$p"
    done
    mv -T "$staging" "$cached" 2>/dev/null || rm -rf "$staging"
  fi
}

build_control_plane() {
  local dir=$1 kube_version v ldflags kwok_dir kwok_version s
  kube_version=$(cd tools/control-plane && go list -m -f '{{.Version}}' k8s.io/kubernetes)
  say "building the local Kubernetes control plane: kube-apiserver, kube-controller-manager, kube-scheduler $kube_version, etcd and kwok into $dir/bin"
  say "  the first build takes 10 to 20 minutes and about 2 GB of disk (Go's module and build caches); later runs reuse it"
  v=k8s.io/component-base/version
  # The version the API server reports (/version), as a release build sets it.
  ldflags="-s -w -X $v.gitVersion=$kube_version -X $v.gitMajor=$(echo "$kube_version" | cut -d. -f1 | tr -d v) -X $v.gitMinor=$(echo "$kube_version" | cut -d. -f2) -X $v.gitTreeState=clean"
  build tools/control-plane "Kubernetes $kube_version" "$dir/bin/" "$ldflags" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler ./etcd
  build tools/kwok kwok "$dir/bin/" "-s -w" sigs.k8s.io/kwok/cmd/kwok
  # The pod stages kwok takes when it is given none (pkg/kwok/cmd/root.go, getDefaultPodStages).
  kwok_dir=$(cd tools/kwok && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  kwok_version=$(cd tools/kwok && go list -m -f '{{.Version}}' sigs.k8s.io/kwok)
  for s in pod-ready pod-complete pod-delete; do
    printf -- '---\n# kustomize/stage/pod/fast/%s.yaml of sigs.k8s.io/kwok %s\n' "$s" "$kwok_version"
    cat "$kwok_dir/kustomize/stage/pod/fast/$s.yaml"
  done > "$dir/bin/kwok-pod-stages.yaml"
}

build_provisioners() {
  local dir=$1 version
  version=$(cd tools/local-path-provisioner && go list -m -f '{{.Version}}' github.com/rancher/local-path-provisioner)
  say "building the storage provisioners of the local control plane: local-path-provisioner $version and the NFS subdir stand-in into $dir/bin (2 to 4 minutes the first time)"
  build tools/local-path-provisioner "local-path-provisioner $version" "$dir/bin/" "-s -w -X main.VERSION=$version" github.com/rancher/local-path-provisioner
  build tools/nfs-subdir-standin "the NFS subdir stand-in" "$dir/bin/" "-s -w" .
}

build_temporal_server() {
  local dir=$1 version ui_version
  version=$(cd tools/temporal-server && go list -m -f '{{.Version}}' go.temporal.io/server)
  ui_version=$(cd tools/temporal-ui && go list -m -f '{{.Version}}' github.com/temporalio/ui-server/v2)
  say "building the Temporal Server $version (temporal-server, temporal-sql-tool) and its Web UI server $ui_version into $dir/bin (3 to 6 minutes the first time)"
  build tools/temporal-server "Temporal Server $version" "$dir/bin/temporal-server" "-s -w" go.temporal.io/server/cmd/server
  build tools/temporal-server "temporal-sql-tool $version" "$dir/bin/temporal-sql-tool" "-s -w" go.temporal.io/server/cmd/tools/sql
  build tools/temporal-ui "Temporal UI server $ui_version" "$dir/bin/temporal-ui-server" "-s -w" github.com/temporalio/ui-server/v2/cmd/server
}

ensure_group control-plane "the local Kubernetes control plane's binaries" build_control_plane \
  tools/control-plane/go.mod tools/control-plane/go.sum tools/control-plane/etcd/main.go tools/kwok/go.mod tools/kwok/go.sum -- \
  bin/kube-apiserver bin/kube-controller-manager bin/kube-scheduler bin/etcd bin/kwok bin/kwok-pod-stages.yaml
ensure_group provisioners "the local control plane's storage provisioners" build_provisioners \
  tools/local-path-provisioner/go.mod tools/local-path-provisioner/go.sum tools/nfs-subdir-standin/go.mod tools/nfs-subdir-standin/go.sum tools/nfs-subdir-standin/main.go -- \
  bin/local-path-provisioner bin/nfs-subdir-standin
[ "$without" = temporal-server ] || ensure_group temporal-server "the Temporal Server's binaries" build_temporal_server \
  tools/temporal-server/go.mod tools/temporal-server/go.sum tools/temporal-ui/go.mod tools/temporal-ui/go.sum -- \
  bin/temporal-server bin/temporal-sql-tool bin/temporal-ui-server
