# shellcheck shell=bash source-path=SCRIPTDIR
# node1's TLS endpoint, as a remote manager has (README: "The manager's TLS endpoint", with 2048-bit keys): a lab CA
# signs node1's server certificate and one client certificate. Clients find ca.pem, cert.pem and key.pem in .lab/tls
# (what DOCKER_CERT_PATH names).
[[ -n ${LAB_LIB_TLS:-} ]] && return 0
LAB_LIB_TLS=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly TLS_PORT=2376
readonly TLS_DIR="$DATA_BASE/tls"
readonly CLIENT_TLS_DIR="$LAB_DIR/tls"

tls_endpoint() { echo "tcp://$(node_addr node1):$TLS_PORT"; }

# The engine's flags for the endpoint.
tls_engine_args() {
  printf '%s\n' -H "$(tls_endpoint)" --tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/server-cert.pem" --tlskey "$TLS_DIR/server-key.pem"
}

tls_up() {
  [[ -s $CLIENT_TLS_DIR/cert.pem ]] && timeout 5 docker --tlsverify --tlscacert "$CLIENT_TLS_DIR/ca.pem" --tlscert "$CLIENT_TLS_DIR/cert.pem" \
    --tlskey "$CLIENT_TLS_DIR/key.pem" -H "$(tls_endpoint)" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# signed_by_lab_ca CERT — the certificate chains to the lab CA of this machine.
signed_by_lab_ca() { [[ -s $1 ]] && openssl verify -CAfile "$TLS_DIR/ca.pem" "$1" >/dev/null 2>&1; }

# sign_with_lab_ca SUBJECT EXTENSIONS KEY_FILE CERT_FILE — a new key and a certificate for it, signed by the lab CA.
sign_with_lab_ca() {
  (
    cd "$TLS_DIR" && umask 077
    openssl req -newkey rsa:2048 -nodes -subj "$1" -keyout "$3" -out request.csr &&
      openssl x509 -req -days 825 -in request.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out "$4" -extfile <(printf '%s\n' "$2")
  ) >/dev/null 2>&1
}

# Creates what is missing. Certificates that do not chain to the lab CA (left by a lab half stopped, or a client folder
# from another checkout, whose lab had another CA) are made again.
ensure_tls() {
  local addr
  addr=$(node_addr node1)
  mkdir -p "$TLS_DIR" "$CLIENT_TLS_DIR"
  if [[ ! -s $TLS_DIR/ca.pem || ! -s $TLS_DIR/ca-key.pem ]] || ! signed_by_lab_ca "$TLS_DIR/server-cert.pem" || [[ ! -s $TLS_DIR/server-key.pem ]]; then
    if ! (cd "$TLS_DIR" && umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=swarm-pg-lab CA" \
      -keyout ca-key.pem -out ca.pem >/dev/null 2>&1) ||
      ! sign_with_lab_ca "/CN=$addr" "subjectAltName=IP:$addr"$'\n'"extendedKeyUsage=serverAuth" "$TLS_DIR/server-key.pem" "$TLS_DIR/server-cert.pem"; then
      die "could not create the lab's TLS certificates in $TLS_DIR (openssl failed)."
    fi
    rm -f "$CLIENT_TLS_DIR"/*.pem
  fi
  if ! signed_by_lab_ca "$CLIENT_TLS_DIR/cert.pem" || [[ ! -s $CLIENT_TLS_DIR/key.pem ]] || ! cmp -s "$TLS_DIR/ca.pem" "$CLIENT_TLS_DIR/ca.pem"; then
    if ! sign_with_lab_ca "/CN=swarm-pg-lab client" "extendedKeyUsage=clientAuth" "$CLIENT_TLS_DIR/key.pem" "$CLIENT_TLS_DIR/cert.pem" ||
      ! cp "$TLS_DIR/ca.pem" "$CLIENT_TLS_DIR/ca.pem"; then
      die "could not create the lab's TLS client certificate in $CLIENT_TLS_DIR (openssl failed)."
    fi
  fi
}
