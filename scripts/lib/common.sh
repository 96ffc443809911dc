# Shared helpers for the scripts in this folder. Source it; it defines functions and sets nothing else
# but FENGQIAO_ROOT and PATH.

FENGQIAO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -d /opt/swift/usr/bin ]; then
    PATH="/opt/swift/usr/bin:$PATH"
fi
export PATH

fq_say() { printf '==> %s\n' "$*" >&2; }
fq_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the named Debian packages that are not installed yet. Runs `apt-get update` once before
# the first install. Without root it only reports what is missing.
fq_ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        fq_die "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
    fi
    fq_say "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The packages every build of the suite needs.
FQ_BUILD_PACKAGES=(pkg-config libpq-dev libprotobuf-c-dev protobuf-c-compiler postgresql postgresql-contrib)

# Prints a free TCP port on 127.0.0.1.
fq_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
