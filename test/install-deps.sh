#!/bin/bash
# Installs the Debian packages that building, testing and the demo need,
# when they are missing.  Needs root for apt-get; otherwise only checks.
set -euo pipefail

packages=(
	make gcc
	postgresql-15 postgresql-client-15 postgresql-server-dev-15
	perl libipc-run-perl
	python3 python3-django python3-psycopg2 python3-psycopg python3-asyncpg
	bc bzip2
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
# node and npm for the node-postgres driver test: Debian's, unless the
# machine has its own
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages: ${missing[*]}" >&2
	echo "install them (as root: apt-get install ${missing[*]}) and run again" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
