# shellcheck shell=bash
# Shared by bin/demo and bin/test: root check and build tools, installed from Debian if missing.
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export LAB="$REPO/devstack/lab/vtpcm-lab"
export VTPCM_LAB_DIR=${VTPCM_LAB_DIR:-/var/lib/vtpcm-lab}

fail() { echo "$(basename "$0"): error: $*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" -eq 0 ] || fail "must run as root: the lab creates namespaces and runs libvirtd (try: sudo $0)"
}

ensure_build_tools() {
  local need=()
  command -v javac >/dev/null 2>&1 && javac -version 2>&1 | grep -qE 'javac (1[7-9]|2[0-9])' || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  [ ${#need[@]} -eq 0 ] && return
  echo "$(basename "$0"): installing ${need[*]} from Debian"
  apt-get update -qq >/dev/null || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || fail "could not install ${need[*]}"
}

lab_is_up() { [ -f "$VTPCM_LAB_DIR/lab.properties" ]; }

# The OpenStack profile runs while its pid folder exists (openstack-down removes it but keeps openrc and the logs).
openstack_is_up() { [ -d "$VTPCM_LAB_DIR/run/openstack/pids" ]; }

mvn_batch() { mvn -B -ntp "$@"; }

# build_and_classpath: builds the project and prints the class path of the lab tools (tests module)
build_and_classpath() {
  (cd "$REPO" && mvn_batch -q -DskipTests install && mvn_batch -q -pl tests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt) >&2 \
    || { echo "$(basename "$0"): error: the build failed (see above)" >&2; return 1; }
  echo "$REPO/tests/target/classes:$(cat "$REPO/tests/target/classpath.txt")"
}
