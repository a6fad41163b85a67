#!/bin/bash
# Runs the vtpcm Tempest scenarios (Debian's tempest 33) against the lab's OpenStack profile and
# the vtpcm engine the caller started (TempestLabIT starts it). Usage:
#   run-against-lab.sh ENGINE_URL TLS_DIR IDENTITY [WORKSPACE]
# TLS_DIR holds IDENTITY.crt, IDENTITY.key and ca.crt (an identity of the cloud CA with the role
# operator: vtpcm-engine issue-client --role operator).
# Exit 0 only if tempest ran the vtpcm tests and none failed.
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
LAB_DIR=${VTPCM_LAB_DIR:-/var/lib/vtpcm-lab}
[ $# -ge 3 ] || { echo "usage: $0 ENGINE_URL TLS_DIR IDENTITY [WORKSPACE]" >&2; exit 2; }
engine=$1 tls=$2 identity=$3
work=${4:-$(mktemp -d /tmp/vtpcm-tempest.XXXXXX)}
openrc="$LAB_DIR/run/openstack/openrc"
[ -r "$openrc" ] || { echo "tempest: the OpenStack profile is not up ($openrc missing)" >&2; exit 2; }
for f in "$tls/$identity.crt" "$tls/$identity.key" "$tls/ca.crt"; do
  [ -r "$f" ] || { echo "tempest: missing $f" >&2; exit 2; }
done
PY=/usr/bin/python3
"$PY" -c 'import tempest, stestr' 2>/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=600 python3-tempest python3-stestr >/dev/null
# shellcheck disable=SC1090
. "$openrc"

# the plugin as pip would install it: a dist-info with its entry point, on the path
site="$work/site"
mkdir -p "$site/vtpcm_tempest_plugin-0.0.0.dist-info"
printf 'Metadata-Version: 2.1\nName: vtpcm-tempest-plugin\nVersion: 0.0.0\n' >"$site/vtpcm_tempest_plugin-0.0.0.dist-info/METADATA"
printf '[tempest.test_plugins]\nvtpcm_tests = vtpcm_tempest_plugin.plugin:VtpcmTempestPlugin\n' \
  >"$site/vtpcm_tempest_plugin-0.0.0.dist-info/entry_points.txt"
export PYTHONPATH="$site:$HERE" HOME="$work"

image=$(openstack image show vtpcm-guest -f value -c id)
flavor=$(openstack flavor show vtpcm -f value -c id)
cd "$work"
"$PY" -m tempest.cmd.main init ws >/dev/null
cat >ws/etc/tempest.conf <<CONF
[DEFAULT]
log_file = $work/tempest.log
[auth]
admin_username = $OS_USERNAME
admin_password = $OS_PASSWORD
admin_project_name = $OS_PROJECT_NAME
admin_domain_name = ${OS_USER_DOMAIN_NAME:-Default}
use_dynamic_credentials = true
create_isolated_networks = false
[identity]
uri_v3 = $OS_AUTH_URL
auth_version = v3
region = ${OS_REGION_NAME:-RegionOne}
[identity-feature-enabled]
api_v2 = false
[compute]
image_ref = $image
flavor_ref = $flavor
min_compute_nodes = 2
max_microversion = latest
build_timeout = 300
[compute-feature-enabled]
live_migration = true
block_migration_for_live_migration = true
[service_available]
nova = true
glance = true
neutron = true
cinder = false
swift = false
vtpcm = true
[vtpcm]
engine_url = $engine
ca_file = $tls/ca.crt
cert_file = $tls/$identity.crt
key_file = $tls/$identity.key
flavor_name = vtpcm
image_name = vtpcm-guest
CONF
cd ws
set +e
"$PY" -m tempest.cmd.main run --regex vtpcm_tempest_plugin --concurrency 1 2>&1 | tee "$work/tempest-run.txt"
rc=${PIPESTATUS[0]}
set -e
grep -qE 'VtpcmLiveMigrationTest\.test_vtpcm_live_migration(\[[^]]*\])? \[[0-9.]+s\] \.\.\. ok' "$work/tempest-run.txt" \
  || { echo "tempest: the vtpcm live-migration scenario did not pass (see $work/tempest.log)" >&2; exit 1; }
exit "$rc"
