# shellcheck shell=bash
# STAND-IN for DevStack's function library (functions-common, inc/ini-config, inc/python), only
# for devstack/tests/plugin-test.sh. It is not DevStack: it implements the few functions the vtpcm
# plugin calls, with DevStack's names and arguments, and records every call that would change
# the machine in $FAKE_LOG (one line: "<what> <args...>") instead of doing it. iniset writes a
# real ini file (so nova.conf / tempest.conf / unit files can be checked); run_process writes the
# devstack@<service>.service unit the way DevStack's write_user_unit_file does.
#
# The caller sets FAKE_LOG and the DevStack globals (DEST, DATA_DIR, STACK_USER, SYSTEMD_DIR,
# ENABLED_SERVICES, ...) before sourcing this file.

: "${FAKE_LOG:?FAKE_LOG must name the call log}"
SYSTEMCTL=${SYSTEMCTL:-fake_systemctl}
DISABLED_SERVICES=${DISABLED_SERVICES:-}

function fake_record {
    echo "$*" >> "$FAKE_LOG"
}

# --- errors and output (functions-common) ---
function err {
    local line=$1; shift
    echo "[ERROR] plugin line $line: $*" >&2
}

function die {
    # shellcheck disable=SC2319 # the status of the failed command, as DevStack's die
    local exitcode=$?
    if [[ $exitcode == 0 ]]; then
        exitcode=1
    fi
    local line=$1; shift
    err "$line" "$*"
    fake_record "die $*"
    exit $exitcode
}

function warn {
    local line=$1; shift
    echo "WARNING: line $line: $*" >&2
}

function echo_summary {
    echo "summary: $*"
}

# --- services (functions-common: enable_service keeps a disabled service disabled) ---
function is_service_enabled {
    local service
    for service in "$@"; do
        [[ ,${ENABLED_SERVICES}, =~ ,${service}, ]] && return 0
    done
    return 1
}

function enable_service {
    local service
    for service in "$@"; do
        if [[ ,${DISABLED_SERVICES}, =~ ,${service}, ]]; then
            warn $LINENO "Attempt to enable_service ${service} when it has been disabled"
            continue
        fi
        is_service_enabled "$service" || ENABLED_SERVICES+=",$service"
    done
    ENABLED_SERVICES=${ENABLED_SERVICES#,}
}

function disable_service {
    local service
    for service in "$@"; do
        DISABLED_SERVICES+=",$service"
        ENABLED_SERVICES=$(echo ",$ENABLED_SERVICES," | sed "s/,$service,/,/g; s/^,//; s/,$//")
    done
}

function define_plugin {
    fake_record "define_plugin $*"
}

function plugin_requires {
    :
}

# --- ini files (inc/ini-config); -sudo is accepted and ignored ---
function iniset {
    [[ "$1" == "-sudo" ]] && shift
    local file=$1 section=$2 option=$3 value=$4
    mkdir -p "$(dirname "$file")"
    /usr/bin/python3 - "$file" "$section" "$option" "$value" <<'PY'
import configparser, sys
path, section, option, value = sys.argv[1:5]
ini = configparser.ConfigParser(interpolation=None, strict=False)
ini.optionxform = str
ini.read(path)
if section != "DEFAULT" and not ini.has_section(section):
    ini.add_section(section)
ini.set(section, option, value)
with open(path, "w") as out:
    ini.write(out)
PY
}

function iniget {
    local file=$1 section=$2 option=$3
    /usr/bin/python3 - "$file" "$section" "$option" <<'PY'
import configparser, sys
path, section, option = sys.argv[1:4]
ini = configparser.ConfigParser(interpolation=None, strict=False)
ini.optionxform = str
ini.read(path)
print(ini.get(section, option, fallback=""))
PY
}

# --- packages and Python (functions-common, inc/python) ---
function install_package {
    fake_record "install_package $*"
}

function setup_develop {
    fake_record "setup_develop $*"
}

# --- privileges: the tests run as one user; sudo runs the command and is recorded ---
function sudo {
    fake_record "sudo $*"
    "$@"
}

# --- systemd (functions-common: _run_under_systemd, write_user_unit_file, stop_process) ---
function fake_systemctl {
    fake_record "systemctl $*"
    case "$1" in
        is-enabled) [[ -f "$SYSTEMD_DIR/$2.enabled" ]] ;;
        enable) touch "$SYSTEMD_DIR/$2.enabled" ;;
        disable) rm -f "$SYSTEMD_DIR/$2.enabled" ;;
        *) return 0 ;;
    esac
}

function run_process {
    local service=$1 command=$2 group=${3:-} user=${4:-$STACK_USER}
    is_service_enabled "$service" || return 0
    [[ "$command" =~ ^/ ]] || die $LINENO "The cmd=\"$command\" does not start with an absolute path."
    fake_record "run_process $service user=$user group=$group $command"
    local unit="$SYSTEMD_DIR/devstack@$service.service"
    iniset -sudo "$unit" Unit Description "Devstack devstack@$service.service"
    iniset -sudo "$unit" Service User "$user"
    iniset -sudo "$unit" Service ExecStart "$command"
    iniset -sudo "$unit" Service KillMode process
    [[ -n "$group" ]] && iniset -sudo "$unit" Service Group "$group"
    iniset -sudo "$unit" Install WantedBy multi-user.target
    $SYSTEMCTL daemon-reload
    $SYSTEMCTL enable "devstack@$service.service"
    $SYSTEMCTL start "devstack@$service.service"
}

function stop_process {
    local service=$1
    if is_service_enabled "$service"; then
        if $SYSTEMCTL is-enabled "devstack@$service.service"; then
            $SYSTEMCTL stop "devstack@$service.service"
            $SYSTEMCTL disable "devstack@$service.service"
        fi
    fi
}
