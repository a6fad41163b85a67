#!/usr/bin/env bash
# Runs every test of the DevStack plugin, the Tempest plugin and the Zuul job, and shellcheck:
#   devstack/tests/plugin-test.sh              plugin phases against the DevStack stand-in
#   nova-bridge/tempest/unit_tests             Tempest plugin: entry point, options, discovery
#   .zuul.yaml                                 parses, names the job, the plugin and the regex
#   ShellCheck of                              devstack/plugin.sh, settings, tests, stand-ins
# Installs shellcheck and Debian's tempest when missing (needs root then). Exit 0 only if all pass.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# Debian's Python: python3-tempest lives in its dist-packages
PY=/usr/bin/python3
FAILED=()

apt_install() {
    [ "$(id -u)" -eq 0 ] || { echo "run.sh: need $* (apt-get install $*) and not root" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "$@" >/dev/null \
        || { apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null \
             && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "$@" >/dev/null; }
}

command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck || FAILED+=("install shellcheck")
"$PY" -c 'import tempest, stestr, pytest, yaml' 2>/dev/null || apt_install python3-tempest python3-stestr python3-pytest python3-yaml \
    || FAILED+=("install tempest")

step() { # step NAME COMMAND...
    local name=$1; shift
    echo "=== $name"
    if "$@"; then echo "=== $name: passed"; else echo "=== $name: FAILED"; FAILED+=("$name"); fi
}

step "devstack plugin tests" bash "$HERE/plugin-test.sh"
step "tempest plugin unit tests" env -C "$REPO/nova-bridge/tempest" HOME="${TMPDIR:-/tmp}" \
    "$PY" -m pytest -q -p no:cacheprovider unit_tests
step "zuul config" "$PY" - "$REPO/.zuul.yaml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
jobs = {item["job"]["name"]: item["job"] for item in config if "job" in item}
job = jobs["vtpcm-tempest-live-migration"]
assert job["parent"] == "devstack-tempest", job["parent"]
assert job["vars"]["devstack_plugins"]["vtpcm"].endswith("/vtpcm")
assert job["vars"]["tempest_test_regex"] == "vtpcm_tempest_plugin"
services = job["vars"]["devstack_services"]
assert services["vtpcm-engine"] and services["vtpcm-manager"]
assert job["group-vars"]["subnode"]["devstack_services"]["vtpcm-engine"] is False
# subnodes copy only their own folder from the controller (never through the synced $DATA_DIR/CA)
assert job["group-vars"]["subnode"]["devstack_localrc"]["VTPCM_HOST_FILES_FROM"].startswith("stack@{{ hostvars['controller']")
assert "VTPCM_HOST_FILES_FROM" not in job["vars"]["devstack_localrc"]
project = [item["project"] for item in config if "project" in item][0]
for pipeline in ("check", "gate"):
    assert "vtpcm-tempest-live-migration" in project[pipeline]["jobs"], pipeline
print("zuul: job", job["name"], "ok")
PY
step "shellcheck" shellcheck -x "$REPO/devstack/plugin.sh" "$REPO/devstack/settings" "$HERE"/*.sh "$HERE"/fake-bin/*

if [ ${#FAILED[@]} -gt 0 ]; then
    echo "devstack/tests/run.sh: FAILED: ${FAILED[*]}"
    exit 1
fi
echo "devstack/tests/run.sh: all passed"
