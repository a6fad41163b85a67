#!/usr/bin/env bash
# vtpcm OpenStack lab profile: installs Debian 12's OpenStack Zed packages (idempotent).
# Services are NOT started by the packages (temporary policy-rc.d exiting 101); the profile
# (openstack-lab up) configures and runs them as plain processes.
#
# Usage: install.sh            (log: $VTPCM_LAB_DIR/openstack-apt.log)
set -euo pipefail

LAB_DIR=${VTPCM_LAB_DIR:-/var/lib/vtpcm-lab}
LOG="$LAB_DIR/openstack-apt.log"

OS_PACKAGES=(mariadb-server rabbitmq-server keystone placement-api
  nova-api nova-conductor nova-scheduler nova-compute nova-compute-kvm glance
  neutron-server python3-neutron
  python3-openstackclient python3-novaclient python3-keystoneclient python3-glanceclient
  python3-openstacksdk python3-pymysql uwsgi-core uwsgi-plugin-python3
  qemu-utils iproute2 procps util-linux curl)

die() { echo "openstack-lab: error: $*" >&2; exit 1; }
say() { echo "openstack-lab: $*"; }

[ "$(id -u)" -eq 0 ] || die "must run as root"
mkdir -p "$LAB_DIR"

missing_packages() {
  local p m=()
  for p in "${OS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || m+=("$p")
  done
  echo "${m[@]:-}"
}

t0=$(date +%s%3N)
missing=$(missing_packages)
if [ -z "$missing" ]; then
  say "install: all ${#OS_PACKAGES[@]} packages present, nothing to install"
  exit 0
fi
say "install: installing $(wc -w <<<"$missing") package(s) and their dependencies (log: $LOG)"
policy=/usr/sbin/policy-rc.d created_policy=0
if [ ! -e $policy ]; then printf '#!/bin/sh\n# vtpcm openstack-lab: no service starts while installing\nexit 101\n' >$policy; chmod +x $policy; created_policy=1; fi
cleanup() { if [ $created_policy = 1 ]; then rm -f $policy; fi; }
trap cleanup EXIT
apt_opts=(-o DPkg::Lock::Timeout=600)
if [ ! -e /var/lib/apt/lists/lock ] || [ -z "$(ls /var/lib/apt/lists/*_Packages 2>/dev/null)" ]; then
  apt-get "${apt_opts[@]}" update >>"$LOG" 2>&1 || die "apt-get update failed; see $LOG"
fi
# shellcheck disable=SC2086 # word splitting of the package list is wanted
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_opts[@]}" $missing >>"$LOG" 2>&1; then
  # lists may be stale: refresh once and retry
  apt-get "${apt_opts[@]}" update >>"$LOG" 2>&1 || true
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_opts[@]}" $missing >>"$LOG" 2>&1 \
    || die "could not install the OpenStack packages; see $LOG"
fi
missing=$(missing_packages)
[ -z "$missing" ] || die "packages still missing after install: $missing (see $LOG)"
say "install: done in $(( $(date +%s%3N) - t0 ))ms"
