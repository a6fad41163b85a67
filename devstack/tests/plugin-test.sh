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
differ() { ! cmp -s "$1" "$2"; }
files_under() { # files_under DIR: its files, relative, sorted, one per line
    (cd "$1" 2>/dev/null && find . -type f | sed 's|^\./||' | sort)
}
files_are() { # files_are DESCRIPTION DIR EXPECTED...: exactly those files under DIR
    local what=$1 dir=$2 got want; shift 2
    got=$(files_under "$dir" | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    if [[ "$got" == "$want" ]]; then ok "$what"; else not_ok "$what" "expected: $want; got: $got"; fi
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
    export VTPCM_QEMU_TLS_DIR=$ROOT/etc/pki/qemu VTPCM_QEMU_CONF=$ROOT/etc/libvirt/qemu.conf VTPCM_QEMU_USER=$STACK_USER
    mkdir -p "$SYSTEMD_DIR" "$(dirname "$NOVA_CONF")" "$(dirname "$VTPCM_QEMU_CONF")"
    # as Debian's: the migration TLS folder's default commented out, its verify key absent
    printf '#user = "root"\n#migrate_tls_x509_cert_dir = "/etc/pki/libvirt-migrate"\n' > "$VTPCM_QEMU_CONF"
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
HOSTS=$DATA_DIR/vtpcm/hosts
CLIENTS=$DATA_DIR/vtpcm/clients
check "nova-compute.node-a issued with role nova-compute into node-a's own folder" \
    logged "org.vtpcm.engine.EngineMain issue-client --config $ENGINE_CONF --role nova-compute --name nova-compute.node-a --out $HOSTS/node-a"
for client in devstack-operator tempest; do
    check "client identity $client issued with role operator into the controller's own folder" \
        logged "org.vtpcm.engine.EngineMain issue-client --config $ENGINE_CONF --role operator --name $client --out $CLIENTS"
done
check "every issue-client call names a role" test -z "$(grep ' issue-client ' "$FAKE_LOG" | grep -v -- ' --role ')"
mode_is "$CLIENTS" 700
mode_is "$HOSTS/node-a" 700
files_are "node-a's folder: its identity and the CA certificate" "$HOSTS/node-a" ca.crt nova-compute.node-a.crt nova-compute.node-a.key
mode_is "$HOSTS/node-a/nova-compute.node-a.key" 600
mode_is "$CLIENTS/devstack-operator.key" 600
files_are "DevStack's CA folder (copied to every subnode): the CA certificate only" "$DATA_DIR/CA" vtpcm/ca.crt
MANAGER_CONF=$VTPCM_CONF_DIR/manager.conf
prop_is "$MANAGER_CONF" node.name node-a
prop_is "$MANAGER_CONF" api.address 127.0.0.1
prop_is "$MANAGER_CONF" api.port "$MANAGER_PORT"
prop_is "$MANAGER_CONF" crypto.suite sm
prop_is "$MANAGER_CONF" platform.tpm emulated
prop_is "$MANAGER_CONF" state.dir "$DATA_DIR/vtpcm/manager"
prop_is "$MANAGER_CONF" qemu.tls.dir "$VTPCM_QEMU_TLS_DIR"
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
ini_is "$NOVA_CONF" libvirt live_migration_with_native_tls True
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
check "token issued for node-a as the operator, JSON, with the TTL" \
    logged "org.vtpcm.engine.cli.VtpcmCli --engine https://127.0.0.1:$ENGINE_PORT --tls-dir $CLIENTS --identity devstack-operator nodes token node-a --ttl 4h --json"
check "node enrolled as root through the engine: --engine, --token-file, --ca-fingerprint, its address" \
    logged "sudo $VTPCM_JAVA -cp $VTPCM_LIB_DIR/manager/* org.vtpcm.manager.ManagerMain enroll --config $MANAGER_CONF --engine https://127.0.0.1:$ENROLL_PORT --token-file $HOSTS/node-a/enrollment.token --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
check "enrollment left the node's certificate" test -f "$DATA_DIR/vtpcm/manager/tls/node.crt"
check "no --ca-dir enrollment" not_logged "--ca-dir"
check "no token on a command line (--token)" not_logged "--token "
check "engine started, then the token issued" test "$(grep -n 'start devstack@vtpcm-engine' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'nodes token node-a' "$FAKE_LOG" | cut -d: -f1)"
check "node enrolled before its manager started" test "$(grep -n -m1 'ManagerMain enroll' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'start devstack@vtpcm-manager' "$FAKE_LOG" | cut -d: -f1)"
check "CA fingerprint kept for the nodes" test "$(cat "$SHARED/ca-fingerprint")" = "$FAKE_FP"
check "CA fingerprint in node-a's folder" test "$(cat "$HOSTS/node-a/ca-fingerprint")" = "$FAKE_FP"
mode_is "$HOSTS/node-a" 700
check "token id kept (to revoke it if replaced)" grep -qxE '[0-9a-f]{12}' "$HOSTS/node-a/enrollment.token-id"
check "spent token deleted" test ! -e "$HOSTS/node-a/enrollment.token"
files_are "DevStack's CA folder: public files only" "$DATA_DIR/CA" vtpcm/ca.crt vtpcm/ca-fingerprint
check "stack.sh traces (the checks below mean something)" grep -qF -- "--token-file $HOSTS/node-a/enrollment.token" "$ROOT/last.out"
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
    "$VTPCM_JAVA -Xms16m -Xmx64m -Xmn8m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=96m -Xss256k -XX:-UsePerfData -Djdk.nio.maxCachedBufferSize=262144 -cp $VTPCM_LIB_DIR/manager/* org.vtpcm.manager.ManagerMain run --config $MANAGER_CONF"
ini_is "$MANAGER_UNIT" Service User root
ini_is "$MANAGER_UNIT" Service KillMode process
check "engine started" logged "systemctl start devstack@vtpcm-engine.service"
check "manager started" logged "systemctl start devstack@vtpcm-manager.service"
check "engine started before the manager" test "$(grep -n 'start devstack@vtpcm-engine' "$FAKE_LOG" | cut -d: -f1)" \
    -lt "$(grep -n 'start devstack@vtpcm-manager' "$FAKE_LOG" | cut -d: -f1)"
check "node trusted in the engine with the operator identity" \
    logged "org.vtpcm.engine.cli.VtpcmCli --engine https://127.0.0.1:$ENGINE_PORT --tls-dir $CLIENTS --identity devstack-operator hosts trust node-a"
ini_is "$NOVA_CPU_CONF" DEFAULT compute_driver vtpcm_nova.driver.VtpcmLibvirtDriver
ini_is "$NOVA_CPU_CONF" libvirt live_migration_with_native_tls True
check "qemu.conf names the enrollment's QEMU TLS folder (the commented default replaced)" \
    grep -qxF "migrate_tls_x509_cert_dir = \"$VTPCM_QEMU_TLS_DIR\"" "$VTPCM_QEMU_CONF"
check "qemu.conf: one migrate_tls_x509_cert_dir line" test "$(grep -c migrate_tls_x509_cert_dir "$VTPCM_QEMU_CONF")" = 1
check "qemu.conf verifies the migration peer's certificate" grep -qxF "migrate_tls_x509_verify = 1" "$VTPCM_QEMU_CONF"
check "qemu.conf keeps its other lines" grep -qxF '#user = "root"' "$VTPCM_QEMU_CONF"
mode_is "$VTPCM_QEMU_TLS_DIR" 750
mode_is "$VTPCM_QEMU_TLS_DIR/server-key.pem" 640
mode_is "$VTPCM_QEMU_TLS_DIR/client-key.pem" 640
check "QEMU's TLS files belong to QEMU's group" test "$(stat -c %G "$VTPCM_QEMU_TLS_DIR/server-key.pem")" = "$(id -gn "$VTPCM_QEMU_USER")"
check "libvirtd restarted after the enrollment, before nova-compute" \
    test "$(grep -n -m1 'ManagerMain enroll' "$FAKE_LOG" | cut -d: -f1)" -lt "$(grep -n 'systemctl restart libvirtd.service' "$FAKE_LOG" | cut -d: -f1)" \
    -a "$(grep -n 'systemctl restart libvirtd.service' "$FAKE_LOG" | cut -d: -f1)" -lt "$(grep -n 'systemctl restart devstack@n-cpu.service' "$FAKE_LOG" | cut -d: -f1)"
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
ini_is "$TEMPEST_CONFIG" vtpcm trust_hosts ""
check "tempest identity copied" test -f "$TEMPEST_TLS/tempest.key"

: > "$FAKE_LOG"
expect_phase unstack
check "manager stopped" logged "systemctl stop devstack@vtpcm-manager.service"
check "engine stopped" logged "systemctl stop devstack@vtpcm-engine.service"
check "units disabled" logged "systemctl disable devstack@vtpcm-engine.service"

expect_phase clean
for gone in "$DATA_DIR/vtpcm" "$CA" "$SHARED" "$HOSTS" "$CLIENTS" "$VTPCM_CONF_DIR" "$VTPCM_LIB_DIR" "$VTPCM_MANAGER_RUN_DIR" "$TEMPEST_TLS" \
        "$ENGINE_UNIT" "$MANAGER_UNIT"; do
    check "clean removed ${gone#"$ROOT"}" test ! -e "$gone"
done
check "clean kept DevStack's own units" test -f "$NCPU_UNIT"

echo "# multinode controller: the engine knows every compute and issues their tokens"
new_site controller "$ALL_IN_ONE"
CONTROLLER_ROOT=$ROOT
export VTPCM_COMPUTE_HOSTS="node-a=10.0.0.1,compute1=10.0.0.2,compute2=10.0.0.3" VTPCM_CRYPTO_SUITE=nist
unset VTPCM_ENGINE_ENROLLMENT_PORT
expect_phase stack post-config
prop_is "$VTPCM_CONF_DIR/engine.conf" enrollment.port 9441
export VTPCM_ENGINE_ENROLLMENT_PORT=$ENROLL_PORT
prop_is "$VTPCM_CONF_DIR/engine.conf" hosts node-a,compute1,compute2
prop_is "$VTPCM_CONF_DIR/engine.conf" host.compute1.manager "https://10.0.0.2:$MANAGER_PORT"
prop_is "$VTPCM_CONF_DIR/engine.conf" host.compute1.libvirt "qemu+tcp://10.0.0.2/system"
prop_is "$VTPCM_CONF_DIR/engine.conf" crypto.suite nist
prop_is "$VTPCM_CONF_DIR/manager.conf" crypto.suite nist
HOSTS=$DATA_DIR/vtpcm/hosts
for node in compute1 compute2; do
    check "nova-compute.$node issued with role nova-compute into its own folder" \
        logged "issue-client --config $VTPCM_CONF_DIR/engine.conf --role nova-compute --name nova-compute.$node --out $HOSTS/$node"
done
check "every issue-client call names a role" test -z "$(grep ' issue-client ' "$FAKE_LOG" | grep -v -- ' --role ')"
start_nova_like_devstack
: > "$FAKE_LOG"
expect_phase stack extra
for node in node-a compute1 compute2; do
    check "token issued for $node" logged "--identity devstack-operator nodes token $node --ttl 4h --json"
done
check "the local node enrolled with its own token" logged "ManagerMain enroll --config $VTPCM_CONF_DIR/manager.conf --engine https://127.0.0.1:$ENROLL_PORT --token-file $HOSTS/node-a/enrollment.token --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
for node in compute1 compute2; do
    check "$node's token waits in $node's own folder" grep -qE '^vtpcm1\.[0-9a-f]{12}\.' "$HOSTS/$node/enrollment.token"
    mode_is "$HOSTS/$node/enrollment.token" 600
    mode_is "$HOSTS/$node" 700
    check "$node's token is one the engine issued" grep -qxF -f "$HOSTS/$node/enrollment.token" "$FAKE_TOKENS"
    files_are "$node's folder: its identity, token, CA certificate and fingerprint, nothing else" "$HOSTS/$node" \
        ca.crt ca-fingerprint enrollment.token enrollment.token-id "nova-compute.$node.crt" "nova-compute.$node.key"
done
check "compute1 and compute2 got different tokens" differ "$HOSTS/compute1/enrollment.token" "$HOSTS/compute2/enrollment.token"
no_token_in "controller: no token outside its token files" "$ROOT"
files_are "controller: DevStack's CA folder (Zuul copies it to every subnode) holds public files only" "$DATA_DIR/CA" \
    vtpcm/ca.crt vtpcm/ca-fingerprint
check "the CA key, the operator's and Tempest's keys stay outside the hosts' folders" \
    test -z "$(find "$HOSTS" -name ca.key -o -name 'devstack-operator.*' -o -name 'tempest.*')"
expect_phase stack test-config
ini_is "$TEMPEST_CONFIG" vtpcm trust_hosts "compute1,compute2"
echo "# re-stack of the controller: compute1 gets a fresh token, the old one is revoked"
OLD_ID=$(cat "$HOSTS/compute1/enrollment.token-id")
OLD_TOKEN=$(cat "$HOSTS/compute1/enrollment.token")
: > "$FAKE_LOG"
expect_phase stack extra
check "the replaced token revoked by its id" logged "nodes revoke-token $OLD_ID"
check "a fresh token for compute1" test "$(cat "$HOSTS/compute1/enrollment.token")" != "$OLD_TOKEN"
check "none for the enrolled controller node" not_logged "nodes token node-a"
no_token_in "re-stack: no token outside its token file" "$ROOT"
FAKE_TRUST_FAIL=1 expect_death "did not trust node-a (is it in the controller's VTPCM_COMPUTE_HOSTS?)" stack extra
CONTROLLER_CA=$DATA_DIR/CA
COMPUTE1_TOKEN=$(cat "$HOSTS/compute1/enrollment.token")
unset VTPCM_COMPUTE_HOSTS VTPCM_CRYPTO_SUITE OLD_TOKEN

echo "# compute-only subnode (local.conf: disable_service vtpcm-engine): copies its own folder, enrolls with its token"
new_site compute1 n-cpu,placement-client,tls-proxy vtpcm-engine
export LOCAL_HOSTNAME=compute1 HOST_IP=10.0.0.2 SERVICE_HOST=10.0.0.1
HOSTS=$DATA_DIR/vtpcm/hosts
HOST_DIR=$HOSTS/compute1
expect_death "no nova-compute.compute1 identity and CA certificate from the controller in $HOST_DIR" stack post-config
# what Zuul's sync-devstack-data does before the subnode stacks (it also makes everything 0755)
cp -a "$CONTROLLER_CA" "$DATA_DIR/CA"
chmod -R 0755 "$DATA_DIR"
files_are "subnode: Zuul's copy of DevStack's CA folder holds public files only" "$DATA_DIR/CA" vtpcm/ca.crt vtpcm/ca-fingerprint
expect_death "no nova-compute.compute1 identity and CA certificate from the controller in $HOST_DIR" stack post-config
echo "# ... VTPCM_HOST_FILES_FROM: the controller over ssh (here: a stand-in scp onto the controller's files)"
export FAKE_REMOTE_HOST=10.0.0.1 FAKE_REMOTE_FROM=$ROOT FAKE_REMOTE_TO=$CONTROLLER_ROOT
VTPCM_HOST_FILES_FROM=stack@10.0.0.9 expect_death "could not copy this node's folder $HOST_DIR from stack@10.0.0.9" stack post-config
VTPCM_HOST_FILES_FROM='stack@10.0.0.1;reboot' expect_death "VTPCM_HOST_FILES_FROM must be [user@]host of the controller" stack post-config
export VTPCM_HOST_FILES_FROM=stack@10.0.0.1
: > "$FAKE_LOG"
expect_phase stack post-config
check "subnode copied its own folder, and only it, from the controller" \
    logged "scp -B -q -p -r stack@10.0.0.1:$HOST_DIR $HOSTS/"
check "subnode: one copy only" test "$(grep -c '^scp ' "$FAKE_LOG")" = 1
SUB_TOKEN=$HOST_DIR/enrollment.token
files_are "subnode: its folder holds its identity, its token, the CA certificate and fingerprint" "$HOST_DIR" \
    ca.crt ca-fingerprint enrollment.token enrollment.token-id nova-compute.compute1.crt nova-compute.compute1.key
files_are "subnode: no other host's folder" "$HOSTS" \
    compute1/ca.crt compute1/ca-fingerprint compute1/enrollment.token compute1/enrollment.token-id \
    compute1/nova-compute.compute1.crt compute1/nova-compute.compute1.key
mode_is "$HOST_DIR" 700
mode_is "$SUB_TOKEN" 600
mode_is "$HOST_DIR/nova-compute.compute1.key" 600
check "subnode: the token is compute1's own" test "$(cat "$SUB_TOKEN")" = "$COMPUTE1_TOKEN"
received_tokens=$(grep -rlF -f "$FAKE_TOKENS" -- "$ROOT" 2>/dev/null)
check "subnode: no other node's token anywhere (only its own token file holds one)" test "$received_tokens" = "$SUB_TOKEN"
check "subnode: no other compute's identity anywhere" test -z "$(find "$ROOT" -name 'nova-compute.*' ! -name 'nova-compute.compute1.*')"
check "subnode: no CA key anywhere" test -z "$(find "$ROOT" -name ca.key)"
check "subnode: no operator or Tempest identity anywhere" test -z "$(find "$ROOT" -name 'devstack-operator.*' -o -name 'tempest.*')"
check "subnode: its only private key is nova-compute.compute1's" \
    test "$(find "$ROOT" -name '*.key' -printf '%f\n' | sort -u)" = "nova-compute.compute1.key"
check "settings kept vtpcm-engine disabled: no engine.conf" test ! -e "$VTPCM_CONF_DIR/engine.conf"
check "no CA created on the subnode" not_logged "ca-init"
check "the controller-issued nova identity is used, none issued" not_logged "issue-client"
check "subnode not enrolled in post-config" not_logged " enroll "
ini_is "$NOVA_CONF" vtpcm engine_url "https://10.0.0.1:$ENGINE_PORT"
ini_is "$NOVA_CONF" vtpcm manager_url "https://10.0.0.2:$MANAGER_PORT"
ini_is "$NOVA_CONF" vtpcm node_name compute1
ini_is "$NOVA_CONF" libvirt live_migration_with_native_tls True
check "nova's CA certificate from its own folder" cmp -s "$HOST_DIR/ca.crt" "$VTPCM_CONF_DIR/nova/ca.crt"
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
check "subnode: QEMU migration TLS configured, libvirtd restarted" \
    grep -qxF "migrate_tls_x509_cert_dir = \"$VTPCM_QEMU_TLS_DIR\"" "$VTPCM_QEMU_CONF"
check "subnode: libvirtd restarted" logged "systemctl restart libvirtd.service"
ini_is "$NOVA_CPU_CONF" libvirt live_migration_with_native_tls True
check "subnode: no operator call (it holds no operator identity)" not_logged "VtpcmCli"
check "subnode: says who trusts it" grep -qF "compute1 holds no operator identity: the operator trusts it from the controller" "$ROOT/last.out"
check "subnode: no flavor (the controller makes it)" not_logged "flavor"
unset VTPCM_HOST_FILES_FROM

echo "# a node missing from the controller's VTPCM_COMPUTE_HOSTS: no identity, no token, clear messages"
mkdir -p "$WORK/saved" && mv "$HOST_DIR"/nova-compute.compute1.* "$WORK/saved/"
rm -rf "$VTPCM_CONF_DIR" "$DATA_DIR/vtpcm/manager"
expect_death "no nova-compute.compute1 identity and CA certificate from the controller" stack post-config
mv "$WORK"/saved/nova-compute.compute1.* "$HOST_DIR/"
expect_phase stack post-config
expect_death "no enrollment token for node compute1 at $SUB_TOKEN" stack extra
echo "# ... the operator hands it a token file and the fingerprint (VTPCM_ENROLLMENT_TOKEN_FILE, VTPCM_CA_FINGERPRINT)"
OPERATOR_TOKEN=$WORK/compute1-token
# `vtpcm nodes token compute1 --json` on the controller, the token copied into a file on the node
(umask 077; "$HERE/fake-bin/java" org.vtpcm.engine.cli.VtpcmCli nodes token compute1 --json \
    | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' > "$OPERATOR_TOKEN")
rm -f "$DATA_DIR/CA/vtpcm/ca-fingerprint" "$HOST_DIR/ca-fingerprint"
: > "$FAKE_LOG"
VTPCM_ENROLLMENT_TOKEN_FILE=$OPERATOR_TOKEN VTPCM_CA_FINGERPRINT=$FAKE_FP expect_phase stack extra
check "enrolled with the operator's token file and fingerprint" \
    logged "--engine https://10.0.0.1:$ENROLL_PORT --token-file $OPERATOR_TOKEN --ca-fingerprint $FAKE_FP --ip 127.0.0.1"
check "the operator's file is left alone" test -s "$OPERATOR_TOKEN"
no_token_in "operator's token: in no output, trace, call log or file" "$ROOT"
VTPCM_QEMU_USER=no-such-qemu-user expect_death "no user no-such-qemu-user (VTPCM_QEMU_USER" stack extra
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
VTPCM_CLIENTS_DIR=$DATA_DIR/CA/vtpcm/clients expect_death "VTPCM_CLIENTS_DIR ($DATA_DIR/CA/vtpcm/clients) must not be inside VTPCM_SHARED_DIR or $DATA_DIR/CA" stack post-config
VTPCM_HOSTS_DIR=$DATA_DIR/CA/hosts expect_death "VTPCM_HOSTS_DIR ($DATA_DIR/CA/hosts) must not be inside VTPCM_SHARED_DIR or $DATA_DIR/CA" stack post-config
VTPCM_HOST_FILES_FROM=stack@10.0.0.1 expect_death "VTPCM_HOST_FILES_FROM is for compute-only nodes" stack post-config
rm -f "$VTPCM_DIR/pom.xml"
expect_death "no vtpcm repository at VTPCM_DIR=$VTPCM_DIR" stack install
echo '<project/>' > "$VTPCM_DIR/pom.xml"
FAKE_MVN_FAIL=1 expect_death "building vtpcm with Maven in $VTPCM_DIR failed" stack install
rm -rf "$VTPCM_DIR/nova-bridge/python"
expect_death "the Nova driver package is missing" stack install
expect_phase stack post-config
start_nova_like_devstack
FAKE_TOKEN_FAIL=1 expect_death "could not issue an enrollment token for node-a from the engine at https://127.0.0.1:$ENGINE_PORT" stack extra
check "no token file left by a failed issue" test -z "$(find "$DATA_DIR/vtpcm/hosts/node-a" -name 'enrollment.token*')"
check "not enrolled without a token" not_logged " enroll "
export VTPCM_ENGINE_PORT
VTPCM_ENGINE_PORT=$(free_port)
VTPCM_START_TIMEOUT=2 expect_death "vtpcm-engine did not listen on 127.0.0.1:$VTPCM_ENGINE_PORT within 2s" stack extra

echo "1..$((PASS + FAIL))"
echo "# plugin tests: $PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
