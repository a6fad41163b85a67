#!/usr/bin/env bash
# Tests of the lab tool itself against the real machine: clear errors on bad input, idempotent
# install, and a `down` that leaves no process, mount, veth or bridge behind. Expects the lab to
# be up when it starts (bin/test brings it up); leaves it down.
set -uo pipefail
LAB=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)/vtpcm-lab
LAB_DIR=${VTPCM_LAB_DIR:-/var/lib/vtpcm-lab}
passed=0 failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; [ -n "${2:-}" ] && echo "    $2"; failed=$((failed + 1)); }

# expect_error DESCRIPTION PATTERN COMMAND...: non-zero exit, a message matching PATTERN, no bash trace
expect_error() {
  local description=$1 pattern=$2 out rc; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -qE -- "$pattern" <<<"$out" && ! grep -qE 'line [0-9]+:|unbound variable|syntax error' <<<"$out"; then
    ok "$description"
  else
    not_ok "$description" "exit $rc, output: $(head -c 300 <<<"$out")"
  fi
}

holder_pids() { cat "$LAB_DIR"/nodes/n*/holder.pid 2>/dev/null; }

[ -f "$LAB_DIR/lab.properties" ] || { echo "lab-tool-test: the lab must be up first" >&2; exit 1; }

expect_error "unknown command is refused" "unknown command 'frobnicate'" "$LAB" frobnicate
# the unprivileged user runs a copy of the tool from a folder it may enter: CI's checkout sits in a 0700
# folder, where it would meet "Permission denied" before the tool could refuse it
unprivileged_copy=$(mktemp -d)
chmod 755 "$unprivileged_copy"
install -m 755 "$LAB" "$unprivileged_copy/vtpcm-lab"
expect_error "non-root user is refused" "must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$unprivileged_copy/vtpcm-lab" up
rm -rf "$unprivileged_copy"
expect_error "non-numeric --nodes is refused" "--nodes must be a number" "$LAB" up --nodes abc
expect_error "unknown option is refused" "unknown option for up: --bogus" "$LAB" up --bogus
expect_error "second up while up is refused" "already exists: the lab seems up" "$LAB" up
expect_error "console of an unknown domain is refused" "no console log for domain 'nosuch'" "$LAB" console nosuch
expect_error "path-like domain name is refused" "invalid domain name" "$LAB" console ../../etc/passwd
expect_error "exec on a missing node is refused" "node 7 is not up" "$LAB" exec 7 true

if "$LAB" status | grep -q 'vtpcm-n2  10.200.0.2  libvirtd up'; then ok "status shows both nodes up"; else not_ok "status shows both nodes up" "$("$LAB" status)"; fi
if [ "$("$LAB" exec 2 hostname)" = vtpcm-n2 ]; then ok "node 2 has its own hostname"; else not_ok "node 2 has its own hostname"; fi

out=$("$LAB" install 2>&1)
if grep -q 'nothing to install' <<<"$out" && ! grep -q 'building\|fetching' <<<"$out"; then ok "second install installs and builds nothing"; else not_ok "second install installs and builds nothing" "$out"; fi

pids=$(holder_pids | tr '\n' ' ')
netns=()
for p in $pids; do netns+=("$(readlink "/proc/$p/ns/net")"); done
start=$(date +%s%3N)
"$LAB" down >/dev/null
down_ms=$(( $(date +%s%3N) - start ))
left=""
for p in /proc/[0-9]*; do
  ns=$(readlink "$p/ns/net" 2>/dev/null) || continue
  for n in "${netns[@]}"; do [ "$ns" = "$n" ] && left="$left ${p#/proc/}"; done
done
if [ -z "$left" ]; then ok "down leaves no process in the node namespaces (${down_ms}ms)"; else not_ok "down leaves no process in the node namespaces" "left:$left"; fi
if pgrep -f "$LAB_DIR" >/dev/null; then not_ok "down leaves no lab process anywhere" "$(pgrep -af "$LAB_DIR")"; else ok "down leaves no lab process anywhere"; fi
if ip -o link show | grep -qE 'vtpcm-'; then not_ok "down removes the bridge and veths" "$(ip -o link show | grep vtpcm-)"; else ok "down removes the bridge and veths"; fi
if grep -q "$LAB_DIR" /proc/mounts; then not_ok "down leaves no mount" "$(grep "$LAB_DIR" /proc/mounts)"; else ok "down leaves no mount"; fi
if [ ! -e "$LAB_DIR/lab.properties" ] && [ ! -e "$LAB_DIR/nodes" ] && [ ! -e "$LAB_DIR/run" ]; then ok "down removes the lab's runtime state"; else not_ok "down removes the lab's runtime state"; fi
if out=$("$LAB" down 2>&1); then ok "down is idempotent"; else not_ok "down is idempotent" "$out"; fi

start=$(date +%s%3N)
if "$LAB" up --nodes 3 >/dev/null 2>&1; then
  ok "warm up of 3 nodes ($(( $(date +%s%3N) - start ))ms)"
  if "$LAB" status | grep -q 'vtpcm-n3  10.200.0.3  libvirtd up'; then ok "third node answers"; else not_ok "third node answers"; fi
else
  not_ok "warm up of 3 nodes"
fi
"$LAB" down >/dev/null 2>&1
if ip -o link show | grep -qE 'vtpcm-'; then not_ok "second down removes everything"; else ok "second down removes everything"; fi

echo "lab-tool-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
