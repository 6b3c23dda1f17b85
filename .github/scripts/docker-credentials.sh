#!/usr/bin/env bash
# Hands one environment's swarm manager credentials from GitHub secrets to the pipeline:
#   DOCKER_HOST_SECRET, TLS_CA, TLS_CERT, TLS_KEY in, then  .github/scripts/docker-credentials.sh prod
# writes ca.pem, cert.pem and key.pem (mode 600) to a private temporary folder and appends PROD_DOCKER_HOST and
# PROD_DOCKER_CERT_PATH (the variables environments/prod.yml names) to $GITHUB_ENV for the steps after it.
# Every missing secret is named. The folder is under $RUNNER_TEMP, which the runner empties after the job.
set -euo pipefail

environment=${1:?usage: docker-credentials.sh <environment>}
prefix=${environment^^}
: "${GITHUB_ENV:?GITHUB_ENV is not set: run this in GitHub Actions}"

missing=()
[[ -n ${DOCKER_HOST_SECRET:-} ]] || missing+=("${prefix}_DOCKER_HOST")
[[ -n ${TLS_CA:-} ]] || missing+=("${prefix}_DOCKER_TLS_CA")
[[ -n ${TLS_CERT:-} ]] || missing+=("${prefix}_DOCKER_TLS_CERT")
[[ -n ${TLS_KEY:-} ]] || missing+=("${prefix}_DOCKER_TLS_KEY")
if ((${#missing[@]} > 0)); then
  echo "::error::secrets missing in the GitHub environment used for '$environment': ${missing[*]} (see README.md, GitHub Actions)"
  exit 1
fi
if [[ $DOCKER_HOST_SECRET == *$'\n'* ]]; then
  echo "::error::${prefix}_DOCKER_HOST must be one line, such as tcp://manager.example.com:2376"
  exit 1
fi

umask 077
directory=$(mktemp -d "${RUNNER_TEMP:-/tmp}/docker-tls-$environment-XXXXXX")
printf '%s\n' "$TLS_CA" > "$directory/ca.pem"
printf '%s\n' "$TLS_CERT" > "$directory/cert.pem"
printf '%s\n' "$TLS_KEY" > "$directory/key.pem"

{
  echo "${prefix}_DOCKER_HOST=$DOCKER_HOST_SECRET"
  echo "${prefix}_DOCKER_CERT_PATH=$directory"
} >> "$GITHUB_ENV"
echo "credentials for $environment: endpoint from ${prefix}_DOCKER_HOST, TLS client certificate in $directory"
