#!/bin/sh
# Runs the vtpcm Nova driver's tests with Debian's python3 and python3-nova (Zed).
# Installs the Debian packages it needs when missing (root), then pytest. Extra args go to pytest.
set -eu
cd "$(dirname "$0")"
PY=/usr/bin/python3
missing=""
for pkg in python3-nova python3-pytest openssl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
# shellcheck disable=SC2086 # $missing is a list of package names, split on purpose
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "run-tests.sh: missing Debian packages:$missing (run as root to install them)" >&2
        exit 2
    fi
    echo "run-tests.sh: installing$missing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -o DPkg::Lock::Timeout=600 $missing >&2 || {
        DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=600 >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            -o DPkg::Lock::Timeout=600 $missing >&2
    }
fi
export PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH
exec "$PY" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning tests "$@"
