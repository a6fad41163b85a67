#!/usr/bin/env bash
# Tests of the vtpcm DevStack plugin's phases (devstack/settings + devstack/plugin.sh) against the
# stand-in of DevStack's function library (fake-devstack-functions.sh) and stand-ins of java, mvn
# and openstack (fake-bin/). Each phase runs in its own shell, as stack.sh/unstack.sh/clean.sh
# source it (errexit, and nounset too), in a temporary DEST/DATA_DIR/VTPCM_DIR. Real: the ini
# files, the units, the files and folders, the TCP waits (local listeners). Every enrollment token
# the stand-in engine issues is recorded in $FAKE_TOKENS, and the tests look for them in every
# output, trace, call log and file but the token files themselves.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
PLUGIN_DIR=$(dirname "$HERE")
PASS=0
FAIL=0
LISTENERS=()
WORK=$(mktemp -d /tmp/vtpcm-plugin-test.XXXXXX)
export FAKE_TOKENS=$WORK/issued-tokens
# the CA fingerprint the stand-in engine answers
FAKE_FP=sha256:$(echo cert | sha256sum | cut -c1-64)

cleanup() {
    local pid
    for pid in "${LISTENERS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [[ -n "${2:-}" ]] && echo "#   $2"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then ok "$what"; else not_ok "$what" "failed: $*"; fi
}
logged() { grep -qF -- "$1" "$FAKE_LOG"; }
not_logged() { ! grep -qF -- "$1" "$FAKE_LOG"; }
ini() { /usr/bin/python3 - "$@" <<'PY'
import configparser, sys
ini = configparser.ConfigParser(interpolation=None, strict=False)
ini.optionxform = str
ini.read(sys.argv[1])
print(ini.get(sys.argv[2], sys.argv[3], fallback="<unset>"))
PY
}
ini_is() { # ini_is FILE SECTION KEY EXPECTED
    local got
    got=$(ini "$1" "$2" "$3")
    if [[ "$got" == "$4" ]]; then ok "$(basename "$1") [$2] $3 = $4"; else not_ok "$(basename "$1") [$2] $3" "expected '$4', got '$got'"; fi
}
prop_is() { # prop_is FILE KEY EXPECTED (a properties file)
    local got
    got=$(sed -n "s/^$2 = //p" "$1")
    if [[ "$got" == "$3" ]]; then ok "$(basename "$1"): $2 = $3"; else not_ok "$(basename "$1"): $2" "expected '$3', got '$got'"; fi
}
tokens_in() { # tokens_in PATH...: the files (token files aside) that hold an issued token
    [[ -s "$FAKE_TOKENS" ]] || return 0
    grep -rlF -f "$FAKE_TOKENS" --exclude='*.token' -- "$@" 2>/dev/null
}
no_token_in() { # no_token_in DESCRIPTION PATH...: no issued token outside the token files
    local what=$1 found; shift
    found=$(tokens_in "$@")
    if [[ -s "$FAKE_TOKENS" && -z "$found" ]]; then ok "$what"; else not_ok "$what" "no token issued, or one is in: $found"; fi
}
not_traced() { # not_traced REGEX: no xtrace line of the last phase matches
    ! grep -qE -- "^\++ .*$1" "$ROOT/last.out"
}
mode_is() { # mode_is PATH MODE
    local got
    got=$(stat -c %a "$1" 2>/dev/null)
    if [[ "$got" == "$2" ]]; then ok "${1#"$ROOT"} is $2"; else not_ok "${1#"$ROOT"} is $2" "got '$got'"; fi
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listen() { # listen PORT: something accepting connections, as the daemons would
    /usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.close()' "$1" &
    LISTENERS+=($!)
}

# new_site NAME SERVICES: a fresh temporary DevStack node; sets the globals the phases use
new_site() {
    ROOT=$WORK/$1
    mkdir -p "$ROOT"
    export FAKE_LOG=$ROOT/calls.log FAKE_STATE=$ROOT/fake-state
    : > "$FAKE_LOG"
    mkdir -p "$FAKE_STATE"
    export DEST=$ROOT/opt/stack
    export DATA_DIR=$DEST/data
    export VTPCM_DIR=$DEST/vtpcm
    # a repository the stand-in mvn "builds" in (never the real one)
    mkdir -p "$VTPCM_DIR/nova-bridge/python/bin" "$DATA_DIR"
    echo '<project/>' > "$VTPCM_DIR/pom.xml"
    printf '#!/usr/bin/env python3\n' > "$VTPCM_DIR/nova-bridge/python/bin/vtpcm-nova-compute"
    SITE_SERVICES=$2
    SITE_DISABLED=${3:-}
    export STACK_USER
    STACK_USER=$(id -un)
    export HOST_IP=127.0.0.1 SERVICE_HOST=127.0.0.1 LOCAL_HOSTNAME=node-a REGION_NAME=RegionOne
    export SYSTEMD_DIR=$ROOT/etc/systemd/system
    export NOVA_CONF=$ROOT/etc/nova/nova.conf NOVA_CPU_CONF=$ROOT/etc/nova/nova-cpu.conf NOVA_BIN_DIR=$ROOT/venv/bin
    export TEMPEST_CONFIG=$DEST/tempest/etc/tempest.conf PYTHON=/usr/bin/python3
    export VTPCM_LIB_DIR=$ROOT/usr/share/vtpcm VTPCM_CONF_DIR=$ROOT/etc/vtpcm VTPCM_MANAGER_RUN_DIR=$ROOT/run/vtpcm
    export VTPCM_JAVA=$HERE/fake-bin/java VTPCM_MVN=$HERE/fake-bin/mvn VTPCM_START_TIMEOUT=20
    mkdir -p "$SYSTEMD_DIR" "$(dirname "$NOVA_CONF")"
    printf '[DEFAULT]\ncompute_driver = libvirt.LibvirtDriver\n' > "$NOVA_CONF"
}

# phase MODE [PHASE]: a new bash (as stack.sh: errexit, here nounset too) sources the stand-in,
# local.conf's disable_service lines, settings and plugin.sh the way DevStack does; output in
# $ROOT/last.out; returns its status. (A new process, not a subshell: bash ignores errexit in a
# subshell whose status an `if` tests.)
phase() {
    SITE_SERVICES=$SITE_SERVICES SITE_DISABLED=$SITE_DISABLED FAKE_BIN=$HERE/fake-bin PLUGIN_DIR=$PLUGIN_DIR bash -c '
        PATH="$FAKE_BIN:$PATH"
        set -o errexit -o nounset
        ENABLED_SERVICES=$SITE_SERVICES
        source "$FAKE_BIN/../fake-devstack-functions.sh"
        for service in ${SITE_DISABLED//,/ }; do
            disable_service "$service"
        done
        source "$PLUGIN_DIR/settings"
        source "$PLUGIN_DIR/plugin.sh" "$@"
    ' phase "$@" > "$ROOT/last.out" 2>&1
}

expect_phase() { # expect_phase MODE [PHASE]: the phase succeeds
    if phase "$@"; then ok "phase '$*' succeeds"; else not_ok "phase '$*' succeeds" "$(tail -n 5 "$ROOT/last.out")"; fi
}

expect_death() { # expect_death MESSAGE MODE [PHASE]: the phase dies naming the problem
    local message=$1; shift
    if phase "$@"; then
        not_ok "phase '$*' dies: $message" "it succeeded"
    elif grep -qF -- "$message" "$ROOT/last.out"; then
        ok "phase '$*' dies: $message"
    else
        not_ok "phase '$*' dies: $message" "$(grep -m1 ERROR "$ROOT/last.out")"
    fi
}

# start_nova_like_devstack: what stack.sh does between post-config and extra for n-cpu
start_nova_like_devstack() {
    cp "$NOVA_CONF" "$NOVA_CPU_CONF"
    (
        ENABLED_SERVICES=$SITE_SERVICES
        # shellcheck source=devstack/tests/fake-devstack-functions.sh
        source "$HERE/fake-devstack-functions.sh"
        run_process n-cpu "$NOVA_BIN_DIR/nova-compute --config-file $NOVA_CPU_CONF" libvirt
    )
}

ALL_IN_ONE=key,n-api,n-cpu,n-cond,n-sch,placement-api,g-api,tempest,tls-proxy

echo "# all-in-one node: engine + manager + nova-compute"
new_site aio "$ALL_IN_ONE"
ENGINE_PORT=$(free_port)
ENROLL_PORT=$(free_port)
MANAGER_PORT=$(free_port)
export VTPCM_ENGINE_PORT=$ENGINE_PORT VTPCM_ENGINE_ENROLLMENT_PORT=$ENROLL_PORT VTPCM_MANAGER_PORT=$MANAGER_PORT

expect_phase stack pre-install
check "pre-install does nothing" test ! -s "$FAKE_LOG" -o "$(grep -vc '^define_plugin' "$FAKE_LOG")" = 0

expect_phase stack install
for package in openjdk-17-jre-headless maven swtpm swtpm-tools qemu-system-x86 libvirt-daemon-system; do
    check "install asks apt for $package" grep -qE "^install_package .*\\b$package\\b" "$FAKE_LOG"
done
check "install builds manager and engine with Maven, tests skipped" \
    logged "mvn -B -ntp -DskipTests -pl vtpcm-manager,migration-engine -am package dependency:copy-dependencies -DincludeScope=runtime"
check "manager jar installed" test -f "$VTPCM_LIB_DIR/manager/vtpcm-manager-0.1.0-SNAPSHOT.jar"
check "manager dependencies installed" test -f "$VTPCM_LIB_DIR/manager/dep-of-vtpcm-manager.jar"
check "engine jar installed" test -f "$VTPCM_LIB_DIR/engine/migration-engine-0.1.0-SNAPSHOT.jar"
check "no sources jar installed" test ! -e "$VTPCM_LIB_DIR/engine/migration-engine-0.1.0-SNAPSHOT-sources.jar"
check "Nova driver package installed into DevStack's Python" logged "setup_develop $VTPCM_DIR/nova-bridge/python"

expect_phase stack post-config
CA=$DATA_DIR/vtpcm/ca
SHARED=$DATA_DIR/CA/vtpcm
check "cloud CA created in the controller's own state, not in DevStack's CA folder" test -f "$CA/ca.key"
mode_is "$CA" 700
check "CA created with vtpcm-manager ca-init" logged "org.vtpcm.manager.ManagerMain ca-init --dir $CA"
check "the shared folder (copied to subnodes) has the CA certificate" test -f "$SHARED/ca.crt"
check "no CA key anywhere in DevStack's CA folder" test -z "$(find "$DATA_DIR/CA" -name ca.key)"
ENGINE_CONF=$VTPCM_CONF_DIR/engine.conf
prop_is "$ENGINE_CONF" api.address 127.0.0.1
prop_is "$ENGINE_CONF" api.port "$ENGINE_PORT"
prop_is "$ENGINE_CONF" enrollment.port "$ENROLL_PORT"
prop_is "$ENGINE_CONF" crypto.suite sm
prop_is "$ENGINE_CONF" ca.dir "$CA"
prop_is "$ENGINE_CONF" state.dir "$DATA_DIR/vtpcm/engine"
prop_is "$ENGINE_CONF" hosts node-a
prop_is "$ENGINE_CONF" host.node-a.manager "https://127.0.0.1:$MANAGER_PORT"
prop_is "$ENGINE_CONF" host.node-a.libvirt "qemu+tcp://127.0.0.1/system"
for client in nova-compute.node-a devstack-operator tempest; do
    check "client identity $client issued by the engine" \
        logged "org.vtpcm.engine.EngineMain issue-client --config $ENGINE_CONF --name $client --out $SHARED/clients"
done
MANAGER_CONF=$VTPCM_CONF_DIR/manager.conf
prop_is "$MANAGER_CONF" node.name node-a
prop_is "$MANAGER_CONF" api.address 127.0.0.1
prop_is "$MANAGER_CONF" api.port "$MANAGER_PORT"
prop_is "$MANAGER_CONF" crypto.suite sm
prop_is "$MANAGER_CONF" platform.tpm emulated
prop_is "$MANAGER_CONF" state.dir "$DATA_DIR/vtpcm/manager"
check "manager.conf is 0600" test "$(stat -c %a "$MANAGER_CONF")" = 600
check "not enrolled yet: the engine does not run before stack extra" not_logged " enroll "
NOVA_TLS=$VTPCM_CONF_DIR/nova
check "nova-compute key copied, 0600" test "$(stat -c %a "$NOVA_TLS/nova-compute.node-a.key")" = 600
ini_is "$NOVA_CONF" vtpcm engine_url "https://127.0.0.1:$ENGINE_PORT"
ini_is "$NOVA_CONF" vtpcm manager_url "https://127.0.0.1:$MANAGER_PORT"
ini_is "$NOVA_CONF" vtpcm ca_file "$NOVA_TLS/ca.crt"
ini_is "$NOVA_CONF" vtpcm cert_file "$NOVA_TLS/nova-compute.node-a.crt"
ini_is "$NOVA_CONF" vtpcm key_file "$NOVA_TLS/nova-compute.node-a.key"
ini_is "$NOVA_CONF" vtpcm node_name node-a
ini_is "$NOVA_CONF" vtpcm timeout 60
ini_is "$NOVA_CONF" vtpcm quarantine True
ini_is "$NOVA_CONF" DEFAULT compute_driver libvirt.LibvirtDriver

echo "# post-config again (re-stack): nothing issued or enrolled twice"
cp "$FAKE_LOG" "$ROOT/first.log"
: > "$FAKE_LOG"
expect_phase stack post-config
check "no second CA" not_logged "ca-init"
check "no second enrollment" not_logged " enroll "
check "no second client identity" not_logged "issue-client"

echo "# DevStack starts nova-compute, then: stack extra (the node enrolls through the engine)"
start_nova_like_devstack
listen "$ENGINE_PORT"
listen "$ENROLL_PORT"
listen "$MANAGER_PORT"
: > "$FAKE_LOG"
expect_phase stack extra
ENROLL_DIR=$SHARED/enrollment
check "token issued for node-a as the operator, JSON, with the TTL" \
    logged "org.vtpcm.engine.cli.VtpcmCli --engine https://127.0.0.1:$ENGINE_PORT --tls-dir $SHARED/clients --identity devstack-operator nodes token node-a --ttl 4h --json"
check "node enrolled as root through the engine: --engine, --token-file, --ca-fingerprint, its address" \
    logged "sudo $VTPCM_JAVA -cp $VTPCM_LIB_DIR/manager/* org.vtpcm.manager.ManagerMain enroll --config $MANAGER_CONF --engine https://127.0.0.1:$ENROLL_PORT --token-file $ENROLL_DIR/node-a.token --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
check "enrollment left the node's certificate" test -f "$DATA_DIR/vtpcm/manager/tls/node.crt"
check "no --ca-dir enrollment" not_logged "--ca-dir"
check "no token on a command line (--token)" not_logged "--token "
check "engine started, then the token issued" test "$(grep -n 'start devstack@vtpcm-engine' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'nodes token node-a' "$FAKE_LOG" | cut -d: -f1)"
check "node enrolled before its manager started" test "$(grep -n -m1 'ManagerMain enroll' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'start devstack@vtpcm-manager' "$FAKE_LOG" | cut -d: -f1)"
check "CA fingerprint kept for the nodes" test "$(cat "$SHARED/ca-fingerprint")" = "$FAKE_FP"
mode_is "$ENROLL_DIR" 700
check "token id kept (to revoke it if replaced)" grep -qxE '[0-9a-f]{12}' "$ENROLL_DIR/node-a.token-id"
check "spent token deleted" test ! -e "$ENROLL_DIR/node-a.token"
check "stack.sh traces (the checks below mean something)" grep -qF -- "--token-file $ENROLL_DIR/node-a.token" "$ROOT/last.out"
check "the token-issuing code runs untraced" not_traced '(vtpcm_cli|VtpcmCli) nodes token'
no_token_in "the token is in no output, trace, call log or file" "$ROOT"
ENGINE_UNIT=$SYSTEMD_DIR/devstack@vtpcm-engine.service
MANAGER_UNIT=$SYSTEMD_DIR/devstack@vtpcm-manager.service
check "engine unit written" test -f "$ENGINE_UNIT"
ini_is "$ENGINE_UNIT" Service ExecStart \
    "$VTPCM_JAVA -Xmx256m -XX:+UseSerialGC -cp $VTPCM_LIB_DIR/engine/* org.vtpcm.engine.EngineMain run --config $ENGINE_CONF"
ini_is "$ENGINE_UNIT" Service User "$STACK_USER"
check "manager unit written" test -f "$MANAGER_UNIT"
ini_is "$MANAGER_UNIT" Service ExecStart \
    "$VTPCM_JAVA -Xmx256m -XX:+UseSerialGC -cp $VTPCM_LIB_DIR/manager/* org.vtpcm.manager.ManagerMain run --config $MANAGER_CONF"
ini_is "$MANAGER_UNIT" Service User root
ini_is "$MANAGER_UNIT" Service KillMode process
check "engine started" logged "systemctl start devstack@vtpcm-engine.service"
check "manager started" logged "systemctl start devstack@vtpcm-manager.service"
check "engine started before the manager" test "$(grep -n 'start devstack@vtpcm-engine' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'start devstack@vtpcm-manager' "$FAKE_LOG" | cut -d: -f1)"
check "node trusted in the engine with the operator identity" \
    logged "org.vtpcm.engine.cli.VtpcmCli --engine https://127.0.0.1:$ENGINE_PORT --tls-dir $SHARED/clients --identity devstack-operator hosts trust node-a"
ini_is "$NOVA_CPU_CONF" DEFAULT compute_driver vtpcm_nova.driver.VtpcmLibvirtDriver
ini_is "$NOVA_CPU_CONF" vtpcm node_name node-a
NCPU_UNIT=$SYSTEMD_DIR/devstack@n-cpu.service
ini_is "$NCPU_UNIT" Service ExecStart \
    "/usr/bin/python3 $VTPCM_DIR/nova-bridge/python/bin/vtpcm-nova-compute --config-file $NOVA_CPU_CONF"
ini_is "$NCPU_UNIT" Service Group libvirt
check "n-cpu restarted after its unit changed" logged "systemctl restart devstack@n-cpu.service"
check "vtpcm flavor created with vtpcm:enabled=true" \
    grep -qE '^openstack .*flavor create .*--property vtpcm:enabled=true .*vtpcm$' "$FAKE_LOG"

echo "# extra again: the flavor exists, it is not created twice; the node is enrolled"
: > "$FAKE_LOG"
expect_phase stack extra
check "flavor looked up" logged "flavor show vtpcm"
check "flavor not created again" not_logged "flavor create"
check "no token for the enrolled local node" not_logged "nodes token"
check "no second enrollment" not_logged " enroll "

expect_phase stack test-config
TEMPEST_TLS=$DATA_DIR/tempest/vtpcm
ini_is "$TEMPEST_CONFIG" service_available vtpcm True
ini_is "$TEMPEST_CONFIG" vtpcm engine_url "https://127.0.0.1:$ENGINE_PORT"
ini_is "$TEMPEST_CONFIG" vtpcm ca_file "$TEMPEST_TLS/ca.crt"
ini_is "$TEMPEST_CONFIG" vtpcm cert_file "$TEMPEST_TLS/tempest.crt"
ini_is "$TEMPEST_CONFIG" vtpcm key_file "$TEMPEST_TLS/tempest.key"
ini_is "$TEMPEST_CONFIG" vtpcm flavor_name vtpcm
ini_is "$TEMPEST_CONFIG" vtpcm broken_attestation False
check "tempest identity copied" test -f "$TEMPEST_TLS/tempest.key"

: > "$FAKE_LOG"
expect_phase unstack
check "manager stopped" logged "systemctl stop devstack@vtpcm-manager.service"
check "engine stopped" logged "systemctl stop devstack@vtpcm-engine.service"
check "units disabled" logged "systemctl disable devstack@vtpcm-engine.service"

expect_phase clean
for gone in "$DATA_DIR/vtpcm" "$CA" "$SHARED" "$VTPCM_CONF_DIR" "$VTPCM_LIB_DIR" "$VTPCM_MANAGER_RUN_DIR" "$TEMPEST_TLS" \
        "$ENGINE_UNIT" "$MANAGER_UNIT"; do
    check "clean removed ${gone#"$ROOT"}" test ! -e "$gone"
done
check "clean kept DevStack's own units" test -f "$NCPU_UNIT"

echo "# multinode controller: the engine knows every compute and issues their tokens"
new_site controller "$ALL_IN_ONE"
export VTPCM_COMPUTE_HOSTS="node-a=10.0.0.1,compute1=10.0.0.2" VTPCM_CRYPTO_SUITE=nist
unset VTPCM_ENGINE_ENROLLMENT_PORT
expect_phase stack post-config
prop_is "$VTPCM_CONF_DIR/engine.conf" enrollment.port 9441
export VTPCM_ENGINE_ENROLLMENT_PORT=$ENROLL_PORT
prop_is "$VTPCM_CONF_DIR/engine.conf" hosts node-a,compute1
prop_is "$VTPCM_CONF_DIR/engine.conf" host.compute1.manager "https://10.0.0.2:$MANAGER_PORT"
prop_is "$VTPCM_CONF_DIR/engine.conf" host.compute1.libvirt "qemu+tcp://10.0.0.2/system"
prop_is "$VTPCM_CONF_DIR/engine.conf" crypto.suite nist
prop_is "$VTPCM_CONF_DIR/manager.conf" crypto.suite nist
check "identity for compute1's nova-compute issued" test -f "$DATA_DIR/CA/vtpcm/clients/nova-compute.compute1.crt"
start_nova_like_devstack
: > "$FAKE_LOG"
expect_phase stack extra
ENROLL_DIR=$DATA_DIR/CA/vtpcm/enrollment
for node in node-a compute1; do
    check "token issued for $node" logged "--identity devstack-operator nodes token $node --ttl 4h --json"
done
check "the local node enrolled with its own token" logged "ManagerMain enroll --config $VTPCM_CONF_DIR/manager.conf --engine https://127.0.0.1:$ENROLL_PORT --token-file $ENROLL_DIR/node-a.token --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
check "compute1's token waits in the shared folder" grep -qE '^vtpcm1\.[0-9a-f]{12}\.' "$ENROLL_DIR/compute1.token"
mode_is "$ENROLL_DIR/compute1.token" 600
check "compute1's token is one the engine issued" grep -qxF -f "$ENROLL_DIR/compute1.token" "$FAKE_TOKENS"
no_token_in "controller: no token outside its token file" "$ROOT"
check "no CA key in what the subnodes receive" test -z "$(find "$DATA_DIR/CA" -name ca.key)"
echo "# re-stack of the controller: compute1 gets a fresh token, the old one is revoked"
OLD_ID=$(cat "$ENROLL_DIR/compute1.token-id")
OLD_TOKEN=$(cat "$ENROLL_DIR/compute1.token")
: > "$FAKE_LOG"
expect_phase stack extra
check "the replaced token revoked by its id" logged "nodes revoke-token $OLD_ID"
check "a fresh token for compute1" test "$(cat "$ENROLL_DIR/compute1.token")" != "$OLD_TOKEN"
check "none for the enrolled controller node" not_logged "nodes token node-a"
no_token_in "re-stack: no token outside its token file" "$ROOT"
CONTROLLER_CA=$DATA_DIR/CA
unset VTPCM_COMPUTE_HOSTS VTPCM_CRYPTO_SUITE OLD_TOKEN

echo "# compute-only subnode (local.conf: disable_service vtpcm-engine): enrolls with the controller's token"
new_site compute1 n-cpu,placement-client,tls-proxy vtpcm-engine
export LOCAL_HOSTNAME=compute1 HOST_IP=10.0.0.2 SERVICE_HOST=10.0.0.1
expect_death "no nova-compute.compute1 identity and CA certificate from the controller in $DATA_DIR/CA/vtpcm" stack post-config
# what Zuul's sync-devstack-data does before the subnode stacks (it also makes everything 0755)
cp -a "$CONTROLLER_CA" "$DATA_DIR/CA"
chmod -R 0755 "$DATA_DIR"
SUB_TOKEN=$DATA_DIR/CA/vtpcm/enrollment/compute1.token
check "the subnode received no CA key" test -z "$(find "$DATA_DIR" -name ca.key)"
: > "$FAKE_LOG"
expect_phase stack post-config
check "settings kept vtpcm-engine disabled: no engine.conf" test ! -e "$VTPCM_CONF_DIR/engine.conf"
check "no CA created on the subnode" not_logged "ca-init"
check "the controller-issued nova identity is used, none issued" not_logged "issue-client"
check "subnode not enrolled in post-config" not_logged " enroll "
ini_is "$NOVA_CONF" vtpcm engine_url "https://10.0.0.1:$ENGINE_PORT"
ini_is "$NOVA_CONF" vtpcm manager_url "https://10.0.0.2:$MANAGER_PORT"
ini_is "$NOVA_CONF" vtpcm node_name compute1
check "nova's CA certificate from the shared folder" cmp -s "$DATA_DIR/CA/vtpcm/ca.crt" "$VTPCM_CONF_DIR/nova/ca.crt"
: > "$FAKE_LOG"
export VTPCM_MANAGER_HOST=127.0.0.1
start_nova_like_devstack
expect_phase stack extra
check "subnode: no engine unit" test ! -e "$SYSTEMD_DIR/devstack@vtpcm-engine.service"
check "subnode: no token issued here" not_logged "nodes token"
check "subnode enrolled through the controller's engine: --engine, --token-file, --ca-fingerprint" \
    logged "enroll --config $VTPCM_CONF_DIR/manager.conf --engine https://10.0.0.1:$ENROLL_PORT --token-file $SUB_TOKEN --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
check "subnode: no --ca-dir enrollment" not_logged "--ca-dir"
check "subnode: no token on a command line (--token)" not_logged "--token "
check "subnode: enrolled before its manager started" test "$(grep -n -m1 'ManagerMain enroll' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'start devstack@vtpcm-manager' "$FAKE_LOG" | cut -d: -f1)"
check "subnode: the spent token deleted" test ! -e "$SUB_TOKEN"
check "subnode: stack.sh traces (the check below means something)" grep -qF -- "--token-file $SUB_TOKEN" "$ROOT/last.out"
no_token_in "subnode: the token is in no output, trace, call log or file" "$ROOT"
check "subnode: manager started" logged "systemctl start devstack@vtpcm-manager.service"
check "subnode trusts itself in the controller's engine" logged "--engine https://10.0.0.1:$ENGINE_PORT --tls-dir $DATA_DIR/CA/vtpcm/clients --identity devstack-operator hosts trust compute1"
check "subnode: no flavor (the controller makes it)" not_logged "flavor"

echo "# a node missing from the controller's VTPCM_COMPUTE_HOSTS: no identity, no token, clear messages"
mkdir -p "$WORK/saved" && mv "$DATA_DIR"/CA/vtpcm/clients/nova-compute.compute1.* "$WORK/saved/"
rm -rf "$VTPCM_CONF_DIR" "$DATA_DIR/vtpcm/manager"
expect_death "no nova-compute.compute1 identity and CA certificate from the controller" stack post-config
mv "$WORK"/saved/nova-compute.compute1.* "$DATA_DIR/CA/vtpcm/clients/"
expect_phase stack post-config
expect_death "no enrollment token for node compute1 at $SUB_TOKEN" stack extra
echo "# ... the operator hands it a token file and the fingerprint (VTPCM_ENROLLMENT_TOKEN_FILE, VTPCM_CA_FINGERPRINT)"
OPERATOR_TOKEN=$WORK/compute1-token
# `vtpcm nodes token compute1 --json` on the controller, the token copied into a file on the node
(umask 077; "$HERE/fake-bin/java" org.vtpcm.engine.cli.VtpcmCli nodes token compute1 --json \
    | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' > "$OPERATOR_TOKEN")
rm -f "$DATA_DIR/CA/vtpcm/ca-fingerprint"
: > "$FAKE_LOG"
VTPCM_ENROLLMENT_TOKEN_FILE=$OPERATOR_TOKEN VTPCM_CA_FINGERPRINT=$FAKE_FP expect_phase stack extra
check "enrolled with the operator's token file and fingerprint" \
    logged "--engine https://10.0.0.1:$ENROLL_PORT --token-file $OPERATOR_TOKEN --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
check "the operator's file is left alone" test -s "$OPERATOR_TOKEN"
no_token_in "operator's token: in no output, trace, call log or file" "$ROOT"
FAKE_TRUST_FAIL=1 expect_death "did not trust compute1 (is it in the controller's VTPCM_COMPUTE_HOSTS?)" stack extra
echo "# ... a spent token is refused, with the way out"
rm -rf "$DATA_DIR/vtpcm/manager"
VTPCM_ENROLLMENT_TOKEN_FILE=$OPERATOR_TOKEN VTPCM_CA_FINGERPRINT=$FAKE_FP \
    expect_death "enrolling node compute1 through the engine at https://10.0.0.1:$ENROLL_PORT failed (an expired or used token: on the controller: vtpcm nodes token compute1" stack extra
VTPCM_ENROLLMENT_TOKEN_FILE=$OPERATOR_TOKEN expect_death "no CA fingerprint to authenticate the engine with" stack extra
no_token_in "failures: no token in any output, trace, call log or file" "$ROOT"
unset VTPCM_MANAGER_HOST

echo "# the leak check finds a token where one is (control)"
tokens_in_probe=$WORK/probe/trace.out
mkdir -p "$WORK/probe" && { echo "+ something"; head -n 1 "$FAKE_TOKENS"; } > "$tokens_in_probe"
check "the leak check sees a token in a trace" test "$(tokens_in "$WORK/probe")" = "$tokens_in_probe"

echo "# plugin services not enabled: every phase is a no-op"
new_site off key,n-api,n-cpu vtpcm-engine,vtpcm-manager
for p in "stack install" "stack post-config" "stack extra" "unstack" "clean"; do
    # shellcheck disable=SC2086
    expect_phase $p
done
check "nothing recorded" test "$(grep -vc '^define_plugin' "$FAKE_LOG")" = 0

echo "# bad input dies with a clear message"
new_site bad "$ALL_IN_ONE"
VTPCM_CRYPTO_SUITE=rsa expect_death "VTPCM_CRYPTO_SUITE must be 'sm' or 'nist', got 'rsa'" stack install
check "nothing installed with a bad suite" not_logged "install_package"
VTPCM_PLATFORM_TPM=tpm1.2 expect_death "VTPCM_PLATFORM_TPM must be 'emulated' or 'device'" stack post-config
VTPCM_ENGINE_PORT=99999 expect_death "VTPCM_ENGINE_PORT must be a port number 1..65535, got '99999'" stack extra
VTPCM_NODE_NAME=node.example.org expect_death "VTPCM_NODE_NAME must be letters, digits and '-'" stack post-config
VTPCM_COMPUTE_HOSTS="compute1" expect_death "VTPCM_COMPUTE_HOSTS must be 'name=address' items" stack post-config
VTPCM_POLICY_DEFAULT=allow expect_death "VTPCM_POLICY_DEFAULT must be 'deny' or 'audit'" stack post-config
VTPCM_ENGINE_ENROLLMENT_PORT=0 expect_death "VTPCM_ENGINE_ENROLLMENT_PORT must be a port number 1..65535, got '0'" stack post-config
VTPCM_ENGINE_ENROLLMENT_PORT=$ENGINE_PORT expect_death "VTPCM_ENGINE_ENROLLMENT_PORT must differ from VTPCM_ENGINE_PORT" stack post-config
VTPCM_ENROLLMENT_TOKEN_TTL=forever expect_death "VTPCM_ENROLLMENT_TOKEN_TTL must be a duration like 4h" stack post-config
VTPCM_CA_FINGERPRINT=md5:00 expect_death "VTPCM_CA_FINGERPRINT must be sha256: and 64 hex digits" stack extra
VTPCM_CA_DIR=$DATA_DIR/CA/vtpcm/ca expect_death "VTPCM_CA_DIR ($DATA_DIR/CA/vtpcm/ca) must not be inside VTPCM_SHARED_DIR or $DATA_DIR/CA" stack post-config
VTPCM_CA_DIR=$DATA_DIR/CA/vtpcm-ca expect_death "must not be inside VTPCM_SHARED_DIR or $DATA_DIR/CA" stack post-config
check "nothing configured with a CA in the shared folder" test ! -e "$DATA_DIR/CA/vtpcm/ca"
rm -f "$VTPCM_DIR/pom.xml"
expect_death "no vtpcm repository at VTPCM_DIR=$VTPCM_DIR" stack install
echo '<project/>' > "$VTPCM_DIR/pom.xml"
FAKE_MVN_FAIL=1 expect_death "building vtpcm with Maven in $VTPCM_DIR failed" stack install
rm -rf "$VTPCM_DIR/nova-bridge/python"
expect_death "the Nova driver package is missing" stack install
expect_phase stack post-config
start_nova_like_devstack
FAKE_TOKEN_FAIL=1 expect_death "could not issue an enrollment token for node-a from the engine at https://127.0.0.1:$ENGINE_PORT" stack extra
check "no token file left by a failed issue" test -z "$(find "$DATA_DIR/CA/vtpcm/enrollment" -name 'node-a.token*')"
check "not enrolled without a token" not_logged " enroll "
export VTPCM_ENGINE_PORT
VTPCM_ENGINE_PORT=$(free_port)
VTPCM_START_TIMEOUT=2 expect_death "vtpcm-engine did not listen on 127.0.0.1:$VTPCM_ENGINE_PORT within 2s" stack extra

echo "1..$((PASS + FAIL))"
echo "# plugin tests: $PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
