# shellcheck shell=bash
# plugin.sh - DevStack plugin of vtpcm: the migration engine (controller), the vTPCM manager
# (every compute) and Nova's VtpcmLibvirtDriver. Sourced by DevStack as
#   source devstack/plugin.sh <mode> [phase]
# with the settings (devstack/settings) already sourced. See devstack/README.md.
#
# What each node gets. The controller (vtpcm-engine) keeps the cloud CA with its key
# (VTPCM_CA_DIR) and the operator's and Tempest's identities (VTPCM_CLIENTS_DIR, role operator);
# none of these is ever copied to another node. For each VTPCM_COMPUTE_HOSTS entry it writes one
# folder, VTPCM_HOSTS_DIR/<host> (0700): that host's nova-compute.<host> identity (role
# nova-compute), ca.crt, ca-fingerprint and, in its `stack extra` once the engine runs, the
# host's one-time enrollment token (`vtpcm nodes token NODE --ttl VTPCM_ENROLLMENT_TOKEN_TTL
# --json` -> enrollment.token, 0600). Each compute reads only its own folder: the controller's
# own node reads it in place; a compute-only node copies just that folder from the controller in
# its `stack post-config` (VTPCM_HOST_FILES_FROM=[user@]controller: scp over key-based ssh, as
# Zuul's multinode jobs allow once the controller stacked and before the subnodes stack), or
# gets it by hand. VTPCM_SHARED_DIR ($DATA_DIR/CA/vtpcm, which Zuul copies to every subnode)
# holds public material only: ca.crt and ca-fingerprint.
#
# Node enrollment. Every manager, the controller's included, enrolls through the engine's
# enrollment endpoint (engine.conf enrollment.port = VTPCM_ENGINE_ENROLLMENT_PORT) with its
# one-time token: `vtpcm-manager enroll --engine URL --token-file F --ca-fingerprint sha256:...`,
# in its `stack extra` before its manager starts, and deletes its copy of the spent token. A
# node without one (expired, added later) gets VTPCM_ENROLLMENT_TOKEN_FILE + VTPCM_CA_FINGERPRINT.
# Tokens never reach a log: they pass from the CLI's output through a pipe into their file and
# from the file to the manager (--token-file), never through a shell variable or a command
# line, and the issuing code runs without xtrace all the same (stack.sh traces everything).
#
# Trust. Recording a node's measured platform as trusted (`vtpcm hosts trust`) is an operator
# call: the controller's node does it itself; a compute-only node holds no operator identity, so
# the controller's Tempest configuration lists it in [vtpcm] trust_hosts (Tempest trusts it with
# its operator identity before testing); elsewhere the operator runs `vtpcm hosts trust <node>`.
#
# QEMU migration TLS. Nova live-migrates with [libvirt] live_migration_with_native_tls = True:
# QEMU's stream carries the vTPCM's swtpm state blobs, and the engine refuses Nova-mode
# migrations without native TLS. The enrollment writes the node's QEMU identity into
# VTPCM_QEMU_TLS_DIR (manager.conf qemu.tls.dir); qemu.conf's migrate_tls_x509_cert_dir names it.

# Save trace setting
_XTRACE_VTPCM=$(set +o | grep xtrace)
set -o xtrace

VTPCM_ENGINE_CONF=$VTPCM_CONF_DIR/engine.conf
# this node's own folder of VTPCM_HOSTS_DIR (see the top)
# shellcheck disable=SC2153 # VTPCM_HOSTS_DIR comes from devstack/settings
VTPCM_HOST_DIR=$VTPCM_HOSTS_DIR/$VTPCM_NODE_NAME
VTPCM_MANAGER_CONF=$VTPCM_CONF_DIR/manager.conf
VTPCM_TEMPEST_TLS_DIR=${VTPCM_TEMPEST_TLS_DIR:-$DATA_DIR/tempest/vtpcm}
VTPCM_FLAVOR_POLICY=${VTPCM_FLAVOR_POLICY:-audit}
VTPCM_UNITS="devstack@vtpcm-engine.service devstack@vtpcm-manager.service"

# Functions
# ---------

# vtpcm_check_settings: dies with a clear message on a setting the services would refuse
function vtpcm_check_settings {
    case "$VTPCM_CRYPTO_SUITE" in
        sm|nist) ;;
        *) die $LINENO "VTPCM_CRYPTO_SUITE must be 'sm' or 'nist', got '$VTPCM_CRYPTO_SUITE'" ;;
    esac
    case "$VTPCM_PLATFORM_TPM" in
        emulated|device) ;;
        *) die $LINENO "VTPCM_PLATFORM_TPM must be 'emulated' or 'device', got '$VTPCM_PLATFORM_TPM'" ;;
    esac
    case "$VTPCM_POLICY_DEFAULT" in
        deny|audit) ;;
        *) die $LINENO "VTPCM_POLICY_DEFAULT must be 'deny' or 'audit', got '$VTPCM_POLICY_DEFAULT'" ;;
    esac
    case "$VTPCM_FLAVOR_POLICY" in
        deny|audit) ;;
        *) die $LINENO "VTPCM_FLAVOR_POLICY must be 'deny' or 'audit', got '$VTPCM_FLAVOR_POLICY'" ;;
    esac
    case "$VTPCM_LIBVIRT_SCHEME" in
        qemu+tcp|qemu+tls) ;;
        *) die $LINENO "VTPCM_LIBVIRT_SCHEME must be 'qemu+tcp' or 'qemu+tls', got '$VTPCM_LIBVIRT_SCHEME'" ;;
    esac
    local port
    for port in VTPCM_ENGINE_PORT VTPCM_ENGINE_ENROLLMENT_PORT VTPCM_MANAGER_PORT; do
        if [[ ! "${!port}" =~ ^[0-9]{1,5}$ ]] || (( ${!port} < 1 || ${!port} > 65535 )); then
            die $LINENO "$port must be a port number 1..65535, got '${!port}'"
        fi
    done
    if (( VTPCM_ENGINE_ENROLLMENT_PORT == VTPCM_ENGINE_PORT )); then
        die $LINENO "VTPCM_ENGINE_ENROLLMENT_PORT must differ from VTPCM_ENGINE_PORT ($VTPCM_ENGINE_PORT): the API requires client certificates, the enrollment endpoint serves nodes without one"
    fi
    if [[ ! "$VTPCM_ENROLLMENT_TOKEN_TTL" =~ ^([0-9]+|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$ || -z "$VTPCM_ENROLLMENT_TOKEN_TTL" ]]; then
        die $LINENO "VTPCM_ENROLLMENT_TOKEN_TTL must be a duration like 4h, 90m, 1h30m or seconds, got '$VTPCM_ENROLLMENT_TOKEN_TTL'"
    fi
    if [[ -n "$VTPCM_CA_FINGERPRINT" && ! "$VTPCM_CA_FINGERPRINT" =~ ^sha256:[0-9A-Fa-f:]{64,95}$ ]]; then
        die $LINENO "VTPCM_CA_FINGERPRINT must be sha256: and 64 hex digits (vtpcm nodes token --json: caFingerprint), got '$VTPCM_CA_FINGERPRINT'"
    fi
    local private
    for private in VTPCM_CA_DIR VTPCM_CLIENTS_DIR VTPCM_HOSTS_DIR; do
        if vtpcm_in_shared_dir "${!private}"; then
            die $LINENO "$private (${!private}) must not be inside VTPCM_SHARED_DIR or $DATA_DIR/CA: every compute node receives copies of those, and the CA's key, the operator's identity and each node's own identity and token must not go to every node"
        fi
    done
    if [[ -n "$VTPCM_HOST_FILES_FROM" ]]; then
        if is_service_enabled vtpcm-engine; then
            die $LINENO "VTPCM_HOST_FILES_FROM is for compute-only nodes: this node runs vtpcm-engine and writes the hosts' folders itself"
        fi
        if [[ ! "$VTPCM_HOST_FILES_FROM" =~ ^([a-z_][a-z0-9_-]{0,31}@)?[A-Za-z0-9][A-Za-z0-9.-]*$ ]]; then
            die $LINENO "VTPCM_HOST_FILES_FROM must be [user@]host of the controller, got '$VTPCM_HOST_FILES_FROM'"
        fi
    fi
    if [[ ! "$VTPCM_NODE_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,62}$ ]]; then
        die $LINENO "VTPCM_NODE_NAME must be letters, digits and '-' (it is also the nova-compute host), got '$VTPCM_NODE_NAME'"
    fi
    local entry
    for entry in $(vtpcm_compute_hosts); do
        if [[ ! "$entry" =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,62}=[A-Za-z0-9.:-]+$ ]]; then
            die $LINENO "VTPCM_COMPUTE_HOSTS must be 'name=address' items separated by commas, got '$entry'"
        fi
    done
}

# vtpcm_in_shared_dir PATH: whether PATH lies in a folder every compute node receives a copy of
function vtpcm_in_shared_dir {
    local path=${1%/}/
    [[ "$path" == "${VTPCM_SHARED_DIR%/}/"* || "$path" == "$DATA_DIR/CA/"* ]]
}

# vtpcm_compute_hosts: the engine's compute nodes, one "name=address" per word
function vtpcm_compute_hosts {
    local hosts=$VTPCM_COMPUTE_HOSTS
    if [[ -z "$hosts" ]] && is_service_enabled vtpcm-manager; then
        hosts="$VTPCM_NODE_NAME=$VTPCM_MANAGER_HOST"
    fi
    echo "${hosts//,/ }"
}

# vtpcm_engine ARGS... / vtpcm_manager ARGS...: the daemons' set-up commands on their installed jars
# (java expands the class path's "*" itself)
function vtpcm_engine {
    "$VTPCM_JAVA" -cp "$VTPCM_LIB_DIR/engine/*" org.vtpcm.engine.EngineMain "$@"
}

function vtpcm_manager {
    "$VTPCM_JAVA" -cp "$VTPCM_LIB_DIR/manager/*" org.vtpcm.manager.ManagerMain "$@"
}

# vtpcm_manager_as_root ARGS...: the same as root (enrollment writes the node's TLS identity)
function vtpcm_manager_as_root {
    sudo "$VTPCM_JAVA" -cp "$VTPCM_LIB_DIR/manager/*" org.vtpcm.manager.ManagerMain "$@"
}

# vtpcm_cli ARGS...: the operator CLI (bin/vtpcm's class) as the DevStack operator identity
function vtpcm_cli {
    "$VTPCM_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$VTPCM_LIB_DIR/engine/*" org.vtpcm.engine.cli.VtpcmCli \
        --engine "$VTPCM_ENGINE_URL" --tls-dir "$VTPCM_CLIENTS_DIR" --identity "$VTPCM_OPERATOR_IDENTITY" "$@"
}

# vtpcm_write_file FILE OWNER MODE: writes stdin to FILE (root-owned folders are fine)
function vtpcm_write_file {
    local file=$1 owner=$2 mode=$3
    sudo install -d -m 0755 "$(dirname "$file")"
    sudo tee "$file" >/dev/null
    sudo chown "$owner" "$file"
    sudo chmod "$mode" "$file"
}

# vtpcm_wait_for_port HOST PORT NAME: waits until a daemon accepts connections
function vtpcm_wait_for_port {
    local host=$1 port=$2 name=$3
    local deadline=$((SECONDS + VTPCM_START_TIMEOUT))
    until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
        if (( SECONDS >= deadline )); then
            die $LINENO "$name did not listen on $host:$port within ${VTPCM_START_TIMEOUT}s (journalctl -u devstack@$name)"
        fi
        sleep 1
    done
}

# vtpcm_enrolled: whether this node's manager holds its certificate from the cloud CA
function vtpcm_enrolled {
    sudo test -f "$VTPCM_MANAGER_STATE_DIR/tls/node.crt"
}

# install_vtpcm: Debian packages, the jars, the Nova driver package
function install_vtpcm {
    [[ -f "$VTPCM_DIR/pom.xml" ]] || die $LINENO "no vtpcm repository at VTPCM_DIR=$VTPCM_DIR (no pom.xml)"
    # JRE to run, JDK + Maven to build; swtpm for the vTPCM engines and the emulated platform TPM
    install_package openjdk-17-jre-headless openjdk-17-jdk-headless maven swtpm swtpm-tools qemu-system-x86 \
        libvirt-daemon-system libvirt-clients

    echo_summary "Building vtpcm (Maven)"
    # shellcheck disable=SC2086 # VTPCM_MVN_OPTS is a list of options
    (cd "$VTPCM_DIR" && $VTPCM_MVN $VTPCM_MVN_OPTS -DskipTests -pl vtpcm-manager,migration-engine -am \
        package dependency:copy-dependencies -DincludeScope=runtime) \
        || die $LINENO "building vtpcm with Maven in $VTPCM_DIR failed"

    local module dest jar candidate artifact
    for module in manager:vtpcm-manager engine:migration-engine; do
        dest=$VTPCM_LIB_DIR/${module%%:*}
        artifact=${module#*:}
        sudo rm -rf "$dest"
        sudo install -d -m 0755 "$dest"
        jar=""
        for candidate in "$VTPCM_DIR/$artifact/target/$artifact"-*.jar; do
            case "$candidate" in
                *-sources.jar|*-tests.jar|*-javadoc.jar) ;;
                *) [[ -f "$candidate" ]] && jar=$candidate ;;
            esac
        done
        [[ -n "$jar" ]] || die $LINENO "the build left no $artifact jar in $VTPCM_DIR/$artifact/target"
        sudo install -m 0644 "$jar" "$VTPCM_DIR/$artifact"/target/dependency/*.jar "$dest/"
    done

    if is_service_enabled n-cpu && is_service_enabled vtpcm-manager; then
        [[ -d "$VTPCM_NOVA_PYTHON_DIR" ]] || die $LINENO "the Nova driver package is missing: $VTPCM_NOVA_PYTHON_DIR"
        setup_develop "$VTPCM_NOVA_PYTHON_DIR"
    fi
}

# configure_vtpcm_engine: the cloud CA, engine.conf, the client identities (controller)
function configure_vtpcm_engine {
    sudo install -d -m 0755 "$VTPCM_CONF_DIR"
    sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_ENGINE_STATE_DIR"
    # the CA's private key: readable by the engine's user only, never shared (VTPCM_STATE_DIR,
    # their parent, is root's: sudo install; the folders are STACK_USER's)
    sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_CA_DIR"
    sudo install -d -o "$STACK_USER" -m 0755 "$VTPCM_SHARED_DIR"
    # created here rather than by the engine's first start: the client identities are issued now
    if [[ ! -f "$VTPCM_CA_DIR/ca.crt" ]]; then
        vtpcm_manager ca-init --dir "$VTPCM_CA_DIR" || die $LINENO "could not create the cloud CA in $VTPCM_CA_DIR"
    fi

    local entry name address
    {
        echo "# written by the vtpcm DevStack plugin"
        echo "api.address = $VTPCM_ENGINE_HOST"
        echo "api.port = $VTPCM_ENGINE_PORT"
        echo "enrollment.port = $VTPCM_ENGINE_ENROLLMENT_PORT"
        echo "state.dir = $VTPCM_ENGINE_STATE_DIR"
        echo "ca.dir = $VTPCM_CA_DIR"
        echo "crypto.suite = $VTPCM_CRYPTO_SUITE"
        local names=()
        for entry in $(vtpcm_compute_hosts); do
            names+=("${entry%%=*}")
        done
        echo "hosts = $(IFS=,; echo "${names[*]}")"
        for entry in $(vtpcm_compute_hosts); do
            name=${entry%%=*}
            address=${entry#*=}
            echo "host.$name.manager = https://$address:$VTPCM_MANAGER_PORT"
            echo "host.$name.libvirt = $VTPCM_LIBVIRT_SCHEME://$address/system"
        done
    } | vtpcm_write_file "$VTPCM_ENGINE_CONF" "$STACK_USER" 0640

    # public, copied to every node (Zuul): the CA's certificate (never its key)
    install -m 0644 "$VTPCM_CA_DIR/ca.crt" "$VTPCM_SHARED_DIR/ca.crt"

    # the operator's and Tempest's identities: the controller's own, never copied to a compute
    sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_CLIENTS_DIR"
    vtpcm_issue_client operator "$VTPCM_OPERATOR_IDENTITY" "$VTPCM_CLIENTS_DIR"
    vtpcm_issue_client operator "$VTPCM_TEMPEST_IDENTITY" "$VTPCM_CLIENTS_DIR"
    # each compute's nova-compute.<node> identity and the CA certificate, in that node's folder
    sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_HOSTS_DIR"
    for entry in $(vtpcm_compute_hosts); do
        name=${entry%%=*}
        sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_HOSTS_DIR/$name"
        vtpcm_issue_client nova-compute "nova-compute.$name" "$VTPCM_HOSTS_DIR/$name"
    done
}

# vtpcm_issue_client ROLE NAME FOLDER: a client identity of the cloud CA with its role in the
# certificate (FOLDER/NAME.crt, NAME.key and ca.crt), unless FOLDER has it already
function vtpcm_issue_client {
    local role=$1 name=$2 out=$3
    if [[ ! -f "$out/$name.crt" ]]; then
        vtpcm_engine issue-client --config "$VTPCM_ENGINE_CONF" --role "$role" --name "$name" --out "$out" \
            || die $LINENO "could not issue the $role identity $name"
    fi
    chmod 0600 "$out/$name.key"
}

# vtpcm_fetch_host_files: a compute-only node copies its own folder, VTPCM_HOSTS_DIR/<node>, and
# nothing else, from the controller (VTPCM_HOST_FILES_FROM) over key-based ssh as STACK_USER.
# The copy overwrites an earlier one (a re-stacked controller issued fresh files).
function vtpcm_fetch_host_files {
    local node=$VTPCM_NODE_NAME
    sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_HOSTS_DIR"
    scp -B -q -p -r "$VTPCM_HOST_FILES_FROM:$VTPCM_HOSTS_DIR/$node" "$VTPCM_HOSTS_DIR/" || die $LINENO \
        "could not copy this node's folder $VTPCM_HOSTS_DIR/$node from $VTPCM_HOST_FILES_FROM (scp as $STACK_USER, key-based ssh; Zuul: the build key orchestrate-devstack gives the stack user); is $node in the controller's VTPCM_COMPUTE_HOSTS, and did the controller stack?"
    chmod 0700 "$VTPCM_HOST_DIR"
    chmod 0600 "$VTPCM_HOST_DIR/nova-compute.$node.key"
}

# configure_vtpcm_manager: manager.conf and nova-compute's identity from this node's own folder
# (VTPCM_HOST_DIR: written here on the controller, copied from it on a compute-only node). The
# node enrolls in stack extra, once the engine runs (vtpcm_enroll_node).
function configure_vtpcm_manager {
    local client=nova-compute.$VTPCM_NODE_NAME
    if [[ -n "$VTPCM_HOST_FILES_FROM" ]]; then
        vtpcm_fetch_host_files
    fi
    [[ -f "$VTPCM_HOST_DIR/ca.crt" && -f "$VTPCM_HOST_DIR/$client.crt" && -f "$VTPCM_HOST_DIR/$client.key" ]] || die $LINENO \
        "no $client identity and CA certificate from the controller in $VTPCM_HOST_DIR: the controller issues them into $VTPCM_HOSTS_DIR/<host> for each VTPCM_COMPUTE_HOSTS entry (is $VTPCM_NODE_NAME in it?); on a compute without vtpcm-engine set VTPCM_HOST_FILES_FROM=[user@]<controller>, or copy the controller's $VTPCM_HOST_DIR here after it stacked"
    sudo install -d -m 0755 "$VTPCM_CONF_DIR"
    sudo install -d -m 0700 "$VTPCM_MANAGER_STATE_DIR"
    sudo install -d -m 0700 "$VTPCM_MANAGER_RUN_DIR"
    vtpcm_write_file "$VTPCM_MANAGER_CONF" root 0600 <<EOF
# written by the vtpcm DevStack plugin; every key: vtpcm-manager config
node.name = $VTPCM_NODE_NAME
api.address = $VTPCM_MANAGER_HOST
api.port = $VTPCM_MANAGER_PORT
state.dir = $VTPCM_MANAGER_STATE_DIR
run.dir = $VTPCM_MANAGER_RUN_DIR
libvirt.uri = qemu:///system
crypto.suite = $VTPCM_CRYPTO_SUITE
platform.tpm = $VTPCM_PLATFORM_TPM
policy.default = $VTPCM_POLICY_DEFAULT
qemu.tls.dir = $VTPCM_QEMU_TLS_DIR
EOF

    # nova-compute's identity, issued on the controller
    sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_NOVA_TLS_DIR"
    sudo install -o "$STACK_USER" -m 0644 "$VTPCM_HOST_DIR/ca.crt" "$VTPCM_NOVA_TLS_DIR/ca.crt"
    sudo install -o "$STACK_USER" -m 0644 "$VTPCM_HOST_DIR/$client.crt" "$VTPCM_NOVA_TLS_DIR/$client.crt"
    sudo install -o "$STACK_USER" -m 0600 "$VTPCM_HOST_DIR/$client.key" "$VTPCM_NOVA_TLS_DIR/$client.key"
}

# configure_vtpcm_nova: the driver's [vtpcm] group in nova.conf (nova-cpu.conf is copied from it
# when n-cpu starts). The driver itself is switched on in stack extra (start_vtpcm_nova_compute).
function configure_vtpcm_nova {
    local client=nova-compute.$VTPCM_NODE_NAME
    iniset "$NOVA_CONF" vtpcm engine_url "$VTPCM_ENGINE_URL"
    iniset "$NOVA_CONF" vtpcm manager_url "$VTPCM_MANAGER_URL"
    iniset "$NOVA_CONF" vtpcm ca_file "$VTPCM_NOVA_TLS_DIR/ca.crt"
    iniset "$NOVA_CONF" vtpcm cert_file "$VTPCM_NOVA_TLS_DIR/$client.crt"
    iniset "$NOVA_CONF" vtpcm key_file "$VTPCM_NOVA_TLS_DIR/$client.key"
    iniset "$NOVA_CONF" vtpcm node_name "$VTPCM_NODE_NAME"
    iniset "$NOVA_CONF" vtpcm timeout "$VTPCM_NOVA_TIMEOUT"
    iniset "$NOVA_CONF" vtpcm quarantine "$VTPCM_NOVA_QUARANTINE"
    # QEMU's migration stream over TLS (VIR_MIGRATE_TLS): it carries the swtpm state blobs, and
    # the driver tells the engine ("nativeTls"), which refuses Nova-mode migrations without it
    iniset "$NOVA_CONF" libvirt live_migration_with_native_tls True
}

# vtpcm_configure_qemu_tls: libvirt's QEMU reads the node's migration TLS identity, which the
# enrollment wrote into VTPCM_QEMU_TLS_DIR: the keys readable by QEMU's group only, qemu.conf
# migrate_tls_x509_cert_dir naming that folder with peer verification, libvirtd restarted.
function vtpcm_configure_qemu_tls {
    local file group
    group=$(id -gn "$VTPCM_QEMU_USER" 2>/dev/null) || die $LINENO \
        "no user $VTPCM_QEMU_USER (VTPCM_QEMU_USER, the user libvirt runs QEMU as)"
    for file in ca-cert.pem server-cert.pem server-key.pem client-cert.pem client-key.pem; do
        sudo test -s "$VTPCM_QEMU_TLS_DIR/$file" || die $LINENO \
            "no $VTPCM_QEMU_TLS_DIR/$file: the manager's enrollment writes QEMU's migration TLS identity there (manager.conf qemu.tls.dir)"
    done
    sudo chgrp -R "$group" "$VTPCM_QEMU_TLS_DIR"
    sudo chmod 0750 "$VTPCM_QEMU_TLS_DIR"
    sudo chmod 0640 "$VTPCM_QEMU_TLS_DIR/server-key.pem" "$VTPCM_QEMU_TLS_DIR/client-key.pem"
    sudo chmod 0644 "$VTPCM_QEMU_TLS_DIR/ca-cert.pem" "$VTPCM_QEMU_TLS_DIR/server-cert.pem" "$VTPCM_QEMU_TLS_DIR/client-cert.pem"
    vtpcm_set_qemu_conf migrate_tls_x509_cert_dir "\"$VTPCM_QEMU_TLS_DIR\""
    vtpcm_set_qemu_conf migrate_tls_x509_verify 1
    $SYSTEMCTL restart "$VTPCM_LIBVIRTD_SERVICE"
}

# vtpcm_set_qemu_conf KEY VALUE: KEY = VALUE in qemu.conf, replacing the key's line (or its
# commented default), else appended
function vtpcm_set_qemu_conf {
    local key=$1 value=$2
    if sudo grep -qE "^[#[:space:]]*${key}[[:space:]]*=" "$VTPCM_QEMU_CONF"; then
        sudo sed -i -E "s|^[#[:space:]]*${key}[[:space:]]*=.*|${key} = ${value}|" "$VTPCM_QEMU_CONF"
    else
        echo "$key = $value" | sudo tee -a "$VTPCM_QEMU_CONF" >/dev/null
    fi
}

# start_vtpcm_engine / start_vtpcm_manager: devstack@vtpcm-*.service units
function start_vtpcm_engine {
    run_process vtpcm-engine \
        "$VTPCM_JAVA $VTPCM_ENGINE_JAVA_OPTS -cp $VTPCM_LIB_DIR/engine/* org.vtpcm.engine.EngineMain run --config $VTPCM_ENGINE_CONF"
    vtpcm_wait_for_port "$VTPCM_ENGINE_HOST" "$VTPCM_ENGINE_PORT" vtpcm-engine
    vtpcm_wait_for_port "$VTPCM_ENGINE_HOST" "$VTPCM_ENGINE_ENROLLMENT_PORT" vtpcm-engine
}

# vtpcm_issue_enrollment_tokens: one fresh one-time token per compute node the engine knows,
# for the node to enroll with (controller, once the engine runs). The local node is skipped
# once enrolled; a remote node may be enrolled already (re-stack): its token then expires unused.
function vtpcm_issue_enrollment_tokens {
    local entry node
    for entry in $(vtpcm_compute_hosts); do
        node=${entry%%=*}
        sudo install -d -o "$STACK_USER" -m 0700 "$VTPCM_HOSTS_DIR/$node"
        if [[ "$node" == "$VTPCM_NODE_NAME" ]] && is_service_enabled vtpcm-manager && vtpcm_enrolled; then
            continue
        fi
        vtpcm_issue_enrollment_token "$node"
    done
}

# vtpcm_issue_enrollment_token NODE: VTPCM_HOSTS_DIR/NODE/enrollment.token (0600) and
# enrollment.token-id, the CA fingerprint in NODE's folder and in VTPCM_SHARED_DIR, from `vtpcm nodes token NODE --json`. The JSON goes through a
# pipe straight into the Python that writes the files: the token is in no shell variable, on no
# command line, in no output; xtrace is off here all the same. The token this one replaces is
# revoked (by its id, which is no secret).
function vtpcm_issue_enrollment_token {
    local node=$1
    local xtrace
    xtrace=$(set +o | grep xtrace)
    set +o xtrace
    local folder=$VTPCM_HOSTS_DIR/$node
    local id_file=$folder/enrollment.token-id
    if [[ -f "$id_file" ]]; then
        # answers 204 for an expired or revoked token, 409 for a used one: either is fine
        vtpcm_cli nodes revoke-token "$(<"$id_file")" >/dev/null 2>&1 || true
    fi
    if ! vtpcm_cli nodes token "$node" --ttl "$VTPCM_ENROLLMENT_TOKEN_TTL" --json \
            | "${PYTHON:-python3}" -c '
import json, os, re, sys
folder, shared, node = sys.argv[1:4]
try:
    issued = json.loads(sys.stdin.read())
    token, token_id, fingerprint = issued["token"], issued["id"], issued["caFingerprint"]
except (ValueError, KeyError, TypeError):
    sys.exit("vtpcm nodes token gave no token")  # never echo the input: it may hold one
if (issued.get("node") != node or not re.fullmatch(r"[0-9a-f]{12}", str(token_id))
        or not re.fullmatch(r"sha256:[0-9a-f]{64}", str(fingerprint))
        or not str(token).startswith("vtpcm1." + str(token_id) + ".")):
    sys.exit("vtpcm nodes token answered something unexpected")
def write(path, text, mode):
    part = path + ".part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(fd, mode)
    with os.fdopen(fd, "w") as out:
        out.write(text + "\n")
    os.replace(part, path)
write(os.path.join(folder, "enrollment.token"), token, 0o600)
write(os.path.join(folder, "enrollment.token-id"), token_id, 0o644)
write(os.path.join(folder, "ca-fingerprint"), fingerprint, 0o644)
write(os.path.join(shared, "ca-fingerprint"), fingerprint, 0o644)
' "$folder" "$VTPCM_SHARED_DIR" "$node"; then
        $xtrace
        die $LINENO "could not issue an enrollment token for $node from the engine at $VTPCM_ENGINE_URL (is it in VTPCM_COMPUTE_HOSTS?)"
    fi
    $xtrace
    echo "vtpcm: enrollment token $(<"$id_file") for $node in $folder/enrollment.token (valid $VTPCM_ENROLLMENT_TOKEN_TTL)"
}

# vtpcm_enroll_node: enrolls this node through the engine (once): proves its TPM and receives its
# certificates. The token comes from VTPCM_ENROLLMENT_TOKEN_FILE or this node's folder
# (VTPCM_HOST_DIR/enrollment.token) and reaches the manager as a file; the engine is authenticated
# by the pinned CA fingerprint. The copy from the controller is deleted once spent.
function vtpcm_enroll_node {
    if vtpcm_enrolled; then
        return 0
    fi
    local node=$VTPCM_NODE_NAME
    local token_file=${VTPCM_ENROLLMENT_TOKEN_FILE:-$VTPCM_HOST_DIR/enrollment.token}
    local fingerprint=$VTPCM_CA_FINGERPRINT
    local hint="on the controller: vtpcm nodes token $node --json; the token into a file here, then VTPCM_ENROLLMENT_TOKEN_FILE=<file> and VTPCM_CA_FINGERPRINT=<caFingerprint> in local.conf"
    if ! sudo test -s "$token_file"; then
        die $LINENO "no enrollment token for node $node at $token_file: the controller issues one per VTPCM_COMPUTE_HOSTS entry (is $node in it?) into its folder $VTPCM_HOST_DIR, which a compute-only node copies from the controller (VTPCM_HOST_FILES_FROM); or $hint"
    fi
    local known
    for known in "$VTPCM_HOST_DIR/ca-fingerprint" "$VTPCM_SHARED_DIR/ca-fingerprint"; do
        if [[ -z "$fingerprint" && -f "$known" ]]; then
            fingerprint=$(<"$known")
        fi
    done
    [[ -n "$fingerprint" ]] || die $LINENO \
        "no CA fingerprint to authenticate the engine with: set VTPCM_CA_FINGERPRINT, or copy $VTPCM_HOST_DIR/ca-fingerprint from the controller"
    vtpcm_manager_as_root enroll --config "$VTPCM_MANAGER_CONF" --engine "$VTPCM_ENGINE_ENROLLMENT_URL" \
        --token-file "$token_file" --ca-fingerprint "$fingerprint" --ip "$VTPCM_MANAGER_HOST" \
        || die $LINENO "enrolling node $node through the engine at $VTPCM_ENGINE_ENROLLMENT_URL failed (an expired or used token: $hint)"
    if [[ -z "$VTPCM_ENROLLMENT_TOKEN_FILE" ]]; then
        sudo rm -f "$token_file"
    fi
}

function start_vtpcm_manager {
    sudo install -d -m 0700 "$VTPCM_MANAGER_RUN_DIR"
    # root: the manager owns swtpm processes, /run/vtpcm and the node's platform TPM
    run_process vtpcm-manager \
        "$VTPCM_JAVA $VTPCM_MANAGER_JAVA_OPTS -cp $VTPCM_LIB_DIR/manager/* org.vtpcm.manager.ManagerMain run --config $VTPCM_MANAGER_CONF" \
        "" root
    vtpcm_wait_for_port "$VTPCM_MANAGER_HOST" "$VTPCM_MANAGER_PORT" vtpcm-manager
}

# vtpcm_trust_node: records this node's measured platform as known-good in the engine, as the
# operator: only where the operator's identity is, on the controller (see the top)
function vtpcm_trust_node {
    if ! is_service_enabled vtpcm-engine; then
        echo "vtpcm: $VTPCM_NODE_NAME holds no operator identity: the operator trusts it from the controller (vtpcm hosts trust $VTPCM_NODE_NAME; DevStack's Tempest: [vtpcm] trust_hosts)"
        return 0
    fi
    vtpcm_cli hosts trust "$VTPCM_NODE_NAME" \
        || die $LINENO "the engine at $VTPCM_ENGINE_URL did not trust $VTPCM_NODE_NAME (is it in the controller's VTPCM_COMPUTE_HOSTS?)"
}

# start_vtpcm_nova_compute: nova-compute with VtpcmLibvirtDriver. Nova loads drivers from
# nova.virt only, so the launcher replaces the nova-compute binary in devstack@n-cpu. Done after
# nova-compute first came up with the stock driver (stack.sh waits for it), then restarted.
function start_vtpcm_nova_compute {
    local unit=$SYSTEMD_DIR/devstack@n-cpu.service
    [[ -f "$unit" ]] || die $LINENO "no $unit: nova-compute (n-cpu) did not start"
    [[ -f "$VTPCM_NOVA_COMPUTE_LAUNCHER" ]] || die $LINENO "no nova-compute launcher at $VTPCM_NOVA_COMPUTE_LAUNCHER"
    local python=${PYTHON:-/usr/bin/python3}
    if [[ -x "$NOVA_BIN_DIR/python3" ]]; then
        python=$NOVA_BIN_DIR/python3
    fi
    iniset "$NOVA_CPU_CONF" DEFAULT compute_driver "$VTPCM_NOVA_COMPUTE_DRIVER"
    iniset "$NOVA_CPU_CONF" libvirt live_migration_with_native_tls True
    iniset -sudo "$unit" Service ExecStart "$python $VTPCM_NOVA_COMPUTE_LAUNCHER --config-file $NOVA_CPU_CONF"
    $SYSTEMCTL daemon-reload
    $SYSTEMCTL restart devstack@n-cpu.service
}

# create_vtpcm_flavor: the flavor whose instances get a vTPCM
function create_vtpcm_flavor {
    local os_cmd=(openstack --os-cloud devstack-admin --os-region-name "$REGION_NAME")
    if ! "${os_cmd[@]}" flavor show "$VTPCM_FLAVOR_NAME" >/dev/null 2>&1; then
        "${os_cmd[@]}" flavor create --public --ram "$VTPCM_FLAVOR_RAM" --disk "$VTPCM_FLAVOR_DISK" \
            --vcpus "$VTPCM_FLAVOR_VCPUS" --property vtpcm:enabled=true --property "vtpcm:policy=$VTPCM_FLAVOR_POLICY" \
            "$VTPCM_FLAVOR_NAME" || die $LINENO "could not create the flavor $VTPCM_FLAVOR_NAME"
    fi
}

# configure_vtpcm_tempest: the Tempest plugin's [vtpcm] group
function configure_vtpcm_tempest {
    local id=$VTPCM_TEMPEST_IDENTITY
    sudo install -d -o "$STACK_USER" -m 0755 "$VTPCM_TEMPEST_TLS_DIR"
    sudo install -o "$STACK_USER" -m 0644 "$VTPCM_SHARED_DIR/ca.crt" "$VTPCM_TEMPEST_TLS_DIR/ca.crt"
    sudo install -o "$STACK_USER" -m 0644 "$VTPCM_CLIENTS_DIR/$id.crt" "$VTPCM_TEMPEST_TLS_DIR/$id.crt"
    sudo install -o "$STACK_USER" -m 0640 "$VTPCM_CLIENTS_DIR/$id.key" "$VTPCM_TEMPEST_TLS_DIR/$id.key"
    iniset "$TEMPEST_CONFIG" service_available vtpcm True
    iniset "$TEMPEST_CONFIG" vtpcm engine_url "$VTPCM_ENGINE_URL"
    iniset "$TEMPEST_CONFIG" vtpcm ca_file "$VTPCM_TEMPEST_TLS_DIR/ca.crt"
    iniset "$TEMPEST_CONFIG" vtpcm cert_file "$VTPCM_TEMPEST_TLS_DIR/$id.crt"
    iniset "$TEMPEST_CONFIG" vtpcm key_file "$VTPCM_TEMPEST_TLS_DIR/$id.key"
    iniset "$TEMPEST_CONFIG" vtpcm flavor_name "$VTPCM_FLAVOR_NAME"
    iniset "$TEMPEST_CONFIG" vtpcm broken_attestation "$VTPCM_TEMPEST_BROKEN_ATTESTATION"
    # the compute-only nodes, which could not trust themselves (no operator identity on them)
    local entry remote=()
    for entry in $(vtpcm_compute_hosts); do
        if [[ "${entry%%=*}" != "$VTPCM_NODE_NAME" ]] || ! is_service_enabled vtpcm-manager; then
            remote+=("${entry%%=*}")
        fi
    done
    iniset "$TEMPEST_CONFIG" vtpcm trust_hosts "$(IFS=,; echo "${remote[*]}")"
}

# stop_vtpcm: the units (manager first: it is the engine's client of nothing, but migrations end at the engine)
function stop_vtpcm {
    stop_process vtpcm-manager
    stop_process vtpcm-engine
}

# cleanup_vtpcm: state, identities, configs, jars and units
function cleanup_vtpcm {
    local pidfile unit
    # the manager's swtpm engines outlive it by design (KillMode=process): end them by their pid files
    for pidfile in "$VTPCM_MANAGER_RUN_DIR"/*.pid; do
        if [[ -f "$pidfile" ]]; then
            sudo kill "$(sudo cat "$pidfile")" 2>/dev/null || true
        fi
    done
    for unit in $VTPCM_UNITS; do
        sudo rm -f "$SYSTEMD_DIR/$unit"
    done
    $SYSTEMCTL daemon-reload
    sudo rm -rf "$VTPCM_STATE_DIR" "$VTPCM_ENGINE_STATE_DIR" "$VTPCM_MANAGER_STATE_DIR" "$VTPCM_MANAGER_RUN_DIR" \
        "$VTPCM_CA_DIR" "$VTPCM_SHARED_DIR" "$VTPCM_CLIENTS_DIR" "$VTPCM_HOSTS_DIR" "$VTPCM_CONF_DIR" "$VTPCM_LIB_DIR" \
        "$VTPCM_TEMPEST_TLS_DIR"
}

# Dispatch
# --------

_VTPCM_MODE=${1:-}
_VTPCM_PHASE=${2:-}

if [[ "$VTPCM_ENABLE_ENGINE" == "True" || "$VTPCM_ENABLE_MANAGER" == "True" ]]; then
    if [[ "$_VTPCM_MODE" == "stack" ]]; then
        vtpcm_check_settings
    fi

    if [[ "$_VTPCM_MODE" == "stack" && "$_VTPCM_PHASE" == "install" ]]; then
        echo_summary "Installing vtpcm"
        install_vtpcm

    elif [[ "$_VTPCM_MODE" == "stack" && "$_VTPCM_PHASE" == "post-config" ]]; then
        if is_service_enabled vtpcm-engine; then
            echo_summary "Configuring the vtpcm engine and cloud CA"
            configure_vtpcm_engine
        fi
        if is_service_enabled vtpcm-manager; then
            echo_summary "Configuring and enrolling the vtpcm manager"
            configure_vtpcm_manager
            if is_service_enabled n-cpu; then
                configure_vtpcm_nova
            fi
        fi

    elif [[ "$_VTPCM_MODE" == "stack" && "$_VTPCM_PHASE" == "extra" ]]; then
        if is_service_enabled vtpcm-engine; then
            echo_summary "Starting the vtpcm engine"
            start_vtpcm_engine
            echo_summary "Issuing the compute nodes' enrollment tokens"
            vtpcm_issue_enrollment_tokens
        fi
        if is_service_enabled vtpcm-manager; then
            echo_summary "Enrolling this node through the vtpcm engine"
            vtpcm_enroll_node
            if is_service_enabled n-cpu; then
                echo_summary "QEMU migration TLS from the node's enrollment"
                vtpcm_configure_qemu_tls
            fi
            echo_summary "Starting the vtpcm manager"
            start_vtpcm_manager
            vtpcm_trust_node
            if is_service_enabled n-cpu; then
                echo_summary "Restarting nova-compute with the vtpcm driver"
                start_vtpcm_nova_compute
            fi
        fi
        if is_service_enabled vtpcm-engine && is_service_enabled n-api; then
            create_vtpcm_flavor
        fi

    elif [[ "$_VTPCM_MODE" == "stack" && "$_VTPCM_PHASE" == "test-config" ]]; then
        if is_service_enabled tempest && is_service_enabled vtpcm-engine; then
            configure_vtpcm_tempest
        fi
    fi

    if [[ "$_VTPCM_MODE" == "unstack" ]]; then
        stop_vtpcm
    fi

    if [[ "$_VTPCM_MODE" == "clean" ]]; then
        cleanup_vtpcm
    fi
fi

# Restore xtrace
$_XTRACE_VTPCM
