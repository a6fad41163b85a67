#!/bin/bash
# Captures what the lab's real Nova (Zed) answers, for nova-bridge's contract tests
# (nova-bridge/src/test/resources/contract/captured/). Needs the OpenStack profile up; boots a
# plain-flavor server, live-migrates it once, records the answers and errors, deletes the server.
# Secrets never reach the files: tokens are not recorded and Keystone's answer is not kept.
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
LAB_DIR=${VTPCM_LAB_DIR:-/var/lib/vtpcm-lab}
OUT=${1:-$HERE/../../../nova-bridge/src/test/resources/contract/captured}
OPENRC="$LAB_DIR/run/openstack/openrc"
[ -r "$OPENRC" ] || { echo "capture: the OpenStack profile is not up ($OPENRC missing)" >&2; exit 2; }
# shellcheck disable=SC1090
. "$OPENRC"
mkdir -p "$OUT"
token=$(openstack token issue -f value -c id)
compute=$(openstack endpoint list --service compute --interface public -f value -c URL | head -1)
compute=${compute%/}
get() { # name microversion path
  curl -fsS -H "X-Auth-Token: $token" -H "OpenStack-API-Version: compute $2" -H "Accept: application/json" \
    "$compute$3" | python3 -m json.tool >"$OUT/$1.json"
}
fault() { # name microversion method path [body]: records an error answer
  curl -sS -o "$OUT/$1.json" -w '%{http_code}' -X "$3" -H "X-Auth-Token: $token" -H "OpenStack-API-Version: compute $2" \
    -H "Content-Type: application/json" ${5:+--data "$5"} "$compute$4" >"$OUT/$1.status"
}
base=${compute%/v2.1*}
curl -fsS "$base/v2.1/" | python3 -m json.tool >"$OUT/version-v2.1.json"
name="contract-$(date +%s)"
server=$(openstack --os-compute-api-version 2.37 server create --flavor plain --image vtpcm-guest --nic none \
  --availability-zone nova:vtpcm-n1 --wait -f value -c id "$name" | grep -Eo '[0-9a-f-]{36}' | tail -1)
trap 'openstack server delete --wait "$server" >/dev/null 2>&1 || true' EXIT
get server-get-admin-v2.93 2.93 "/servers/$server"
get hypervisors-detail-v2.1 2.1 "/os-hypervisors/detail"
get flavors-detail-v2.1 2.1 "/flavors/detail"
openstack --os-compute-api-version 2.30 server migrate --live-migration --host vtpcm-n2 --wait "$server"
fault server-migrations-index-v2.93 2.93 GET "/servers/$server/migrations"
get os-migrations-v2.93 2.93 "/os-migrations?instance_uuid=$server"
get instance-actions-v2.93 2.93 "/servers/$server/os-instance-actions"
request=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instanceActions"][0]["request_id"])' \
  "$OUT/instance-actions-v2.93.json")
get instance-action-v2.93 2.93 "/servers/$server/os-instance-actions/$request"
fault fault-server-not-found 2.93 GET "/servers/00000000-0000-0000-0000-000000000000"
fault fault-live-migrate-unknown-host 2.93 POST "/servers/$server/action" \
  '{"os-migrateLive": {"host": "no-such-host", "block_migration": "auto"}}'
fault fault-migration-not-found 2.93 GET "/servers/$server/migrations/999999"
echo "capture: $(find "$OUT" -type f | wc -l) files in $OUT"
