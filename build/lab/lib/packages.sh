# shellcheck shell=bash source-path=SCRIPTDIR
# What the machine needs: root, apt, and the Debian packages the lab uses (installed when missing).
[[ -n ${LAB_LIB_PACKAGES:-} ]] && return 0
LAB_LIB_PACKAGES=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly PACKAGES=(docker.io debootstrap iproute2 iptables util-linux openssl jq)
readonly TOOLS=(ip iptables nsenter unshare setsid flock dockerd containerd ctr docker debootstrap tar sha256sum chroot timeout openssl jq)

require_root_debian() {
  if [[ $EUID -ne 0 ]]; then
    die "the lab needs root." \
      "It creates a bridge, network namespaces, an iptables rule and runs three dockerd instances." \
      "Run: sudo $LAB_CMD ${CMD:-up}"
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    die "the lab needs a Debian-like system (apt-get and dpkg-query were not found)." \
      "It installs: ${PACKAGES[*]} and builds its image with debootstrap from a Debian mirror." \
      "Use Debian 12 (bookworm) or a derivative."
  fi
}

ensure_packages() {
  local missing=() p apt_log=/tmp/swarm-pg-lab-apt.log
  for p in "${PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  step "Installing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -q >"$apt_log" 2>&1; then
    tail_log "$apt_log"
    die "apt-get update failed." "Check the machine's apt sources and network access to the Debian mirror."
  fi
  if ! apt-get install -y -q "${missing[@]}" >>"$apt_log" 2>&1; then
    tail_log "$apt_log"
    die "apt-get install ${missing[*]} failed." "See $apt_log."
  fi
  rm -f "$apt_log"
  # shellcheck disable=SC2119 # this step has no note
  step_done
}

check_tools() {
  local t
  for t in "${TOOLS[@]}"; do
    command -v "$t" >/dev/null 2>&1 || die "required command '$t' not found even after installing ${PACKAGES[*]}."
  done
}
