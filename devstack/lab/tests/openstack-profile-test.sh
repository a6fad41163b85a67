#!/usr/bin/env bash
# Smoke test of the OpenStack lab profile (vtpcm-lab openstack-up must have run): boots a `plain`
# server from the AMI-style `vtpcm-guest` image with --nic none, checks the guest's serial console,
# live-migrates it to the other node with `openstack server migrate --live-migration --host` and
# back with `nova live-migration`, checks host, state and the migration records, deletes it.
# Every wait is bounded (VTPCM_OS_TEST_TIMEOUT seconds each, default 180). Leaves no server.
set -uo pipefail
LAB_DIR=${VTPCM_LAB_DIR:-/var/lib/vtpcm-lab}
RUN="$LAB_DIR/run/openstack"
TIMEOUT=${VTPCM_OS_TEST_TIMEOUT:-180}
NAME="vtpcm-smoke-$$"
passed=0 failed=0 server=""

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; [ -n "${2:-}" ] && echo "    $2"; failed=$((failed + 1)); }
now_ms() { date +%s%3N; }
os() { openstack "$@"; }

[ -f "$RUN/openrc" ] || { echo "openstack-profile-test: the OpenStack profile is not up (run: vtpcm-lab openstack-up)" >&2; exit 1; }
# shellcheck disable=SC1091
. "$RUN/openrc"

cleanup() {
  if [ -n "$server" ]; then
    openstack server delete "$server" >/dev/null 2>&1 || true
    local _; for _ in $(seq 60); do openstack server show "$server" >/dev/null 2>&1 || break; sleep 2; done
  fi
}
trap cleanup EXIT

server_field() { os server show "$server" -f value -c "$1" 2>/dev/null; }

wait_server() { # wait_server STATUS [HOST]: until the server has STATUS (and HOST); fails on ERROR
  local want=$1 host=${2:-} deadline status="" cur="" both
  deadline=$(( $(date +%s) + TIMEOUT ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    both=$(os server show "$server" -f json -c status -c OS-EXT-SRV-ATTR:host 2>/dev/null \
      | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("status"), d.get("OS-EXT-SRV-ATTR:host"))')
    status=${both%% *}; cur=${both#* }
    if [ "$status" = ERROR ]; then echo "    server ERROR: $(server_field fault | head -c 400)"; return 1; fi
    if [ "$status" = "$want" ] && { [ -z "$host" ] || [ "$cur" = "$host" ]; }; then return 0; fi
    sleep 2
  done
  echo "    timed out after ${TIMEOUT}s: status=$status host=$cur"
  return 1
}

last_migration() { # "<status> <source> <dest>" of the server's newest live migration
  os --os-compute-api-version 2.80 server migration list --server "$server" --type live-migration -f json 2>/dev/null \
    | /usr/bin/python3 -c 'import json,sys
rows = sorted(json.load(sys.stdin), key=lambda r: r.get("Id", 0))
r = rows[-1] if rows else {}
print(r.get("Status", "none"), r.get("Source Compute", "?"), r.get("Dest Compute", "?"))'
}

wait_migration_completed() {
  local deadline m; deadline=$(( $(date +%s) + TIMEOUT ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    m=$(last_migration)
    case $m in completed*) echo "$m"; return 0 ;; error*|failed*) echo "$m"; return 1 ;; esac
    sleep 2
  done
  echo "$m (timed out)"; return 1
}

t_start=$(now_ms)

# ---------------------------------------------------------------- boot
t=$(now_ms)
server=$(os --os-compute-api-version 2.37 server create --flavor plain --image vtpcm-guest --nic none \
  "$NAME" -f value -c id 2>&1) || { not_ok "server create" "$server"; server=""; exit 1; }
if wait_server ACTIVE; then
  host1=$(server_field OS-EXT-SRV-ATTR:host)
  ok "plain server $server ACTIVE on $host1 in $(( $(now_ms) - t ))ms"
else
  not_ok "plain server becomes ACTIVE"; exit 1
fi

t=$(now_ms); deadline=$(( $(date +%s) + TIMEOUT )); console=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  console=$(os console log show "$server" 2>/dev/null | tr -d '\r')
  grep -q 'tpmcheck' <<<"$console" && break
  sleep 2
done
if grep -q 'tpmcheck boot fail reason=no-tpm-device' <<<"$console"; then
  ok "guest booted: console shows 'tpmcheck boot fail reason=no-tpm-device' (plain: no TPM) after $(( $(now_ms) - t ))ms more"
elif grep -q 'tpmcheck' <<<"$console"; then
  ok "guest booted: console shows $(grep -m1 tpmcheck <<<"$console")"
else
  not_ok "guest output on the serial console" "last lines: $(tail -n 3 <<<"$console" | tr '\n' '|')"
fi

# ---------------------------------------------------------------- live migrations
case $host1 in vtpcm-n1) host2=vtpcm-n2 ;; *) host2=vtpcm-n1 ;; esac

t=$(now_ms)
if out=$(os --os-compute-api-version 2.30 server migrate --live-migration --host "$host2" "$server" 2>&1) \
   && wait_server ACTIVE "$host2" && m=$(wait_migration_completed); then
  ok "openstack server migrate --live-migration --host $host2: ACTIVE on $host2, migration '$m' in $(( $(now_ms) - t ))ms"
else
  not_ok "live migration $host1 -> $host2 (openstack server migrate)" "$out $(last_migration) host=$(server_field OS-EXT-SRV-ATTR:host)"
fi

t=$(now_ms)
if out=$(nova live-migration "$server" "$host1" 2>&1) && wait_server ACTIVE "$host1" && m=$(wait_migration_completed); then
  ok "nova live-migration back to $host1: ACTIVE on $host1, migration '$m' in $(( $(now_ms) - t ))ms"
else
  not_ok "live migration $host2 -> $host1 (nova live-migration)" "$out $(last_migration) host=$(server_field OS-EXT-SRV-ATTR:host)"
fi

# QEMU starts a new console log at each destination and the plain guest prints only at boot:
# the API must answer, the log may be empty.
if console2=$(os console log show "$server" 2>&1); then
  ok "console log API answers after two migrations ($(grep -c . <<<"$console2") non-empty lines)"
else
  not_ok "console log API answers after migrations" "$(head -c 300 <<<"$console2")"
fi

# ---------------------------------------------------------------- delete
t=$(now_ms)
os server delete "$server" >/dev/null 2>&1
gone=0; deadline=$(( $(date +%s) + TIMEOUT ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  if ! os server show "$server" >/dev/null 2>&1; then gone=1; break; fi
  sleep 2
done
if [ $gone = 1 ]; then ok "server deleted in $(( $(now_ms) - t ))ms"; server=""; else not_ok "server deleted within ${TIMEOUT}s"; fi

echo "openstack-profile-test: $passed passed, $failed failed, $(( $(now_ms) - t_start ))ms"
[ $failed -eq 0 ]
