#!/bin/sh
# install.sh [MAJOR] — turns a Debian root filesystem into the swarm-pg image: PostgreSQL MAJOR (default 17)
# with Patroni, etcd, pgBackRest and HAProxy. Run as root inside the root filesystem (a chroot, or a Dockerfile
# RUN), with apt sources of the suite that has postgresql-MAJOR: 15 bookworm, 17 trixie, 18 forky.
# The lab build (build-rootfs.sh) and the production Dockerfile both run exactly this script.
set -eu

major=${1:-17}
bin_dir=/usr/lib/postgresql/$major/bin

die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}

case $major in
'' | *[!0-9]*) die "the PostgreSQL major must be a number, got '$major'" ;;
esac
[ "$(id -u)" = 0 ] || die "run as root inside the root filesystem"

# Fixed ids, so that volumes keep their owners when the image is rebuilt (postgres as in the official postgres image).
add_account() { # NAME ID HOME
  getent group "$1" >/dev/null || groupadd --system --gid "$2" "$1"
  getent passwd "$1" >/dev/null || useradd --system --uid "$2" --gid "$2" --home-dir "$3" --no-create-home \
    --shell /usr/sbin/nologin "$1"
  [ "$(id -u "$1"):$(id -g "$1")" = "$2:$2" ] || die "account $1 exists with ids $(id -u "$1"):$(id -g "$1"), not $2:$2"
}
add_account postgres 999 /var/lib/postgresql
add_account etcd 998 /var/lib/etcd
add_account haproxy 997 /var/lib/haproxy
usermod --shell /bin/bash postgres

# No daemon starts while packages install (a chroot or an image build has no init); removed at the end.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

# Keep documentation out of every package installed from here on (copyright files stay).
cat >/etc/dpkg/dpkg.cfg.d/swarm-pg-nodoc <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF

export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold "$@"; }

apt-get update -q -o Acquire::Languages=none
apt-cache show "postgresql-$major" >/dev/null 2>&1 ||
  die "postgresql-$major is not in this suite's apt sources (15: bookworm, 17: trixie, 18: forky)"

# Stage 1: postgresql-common, then no default cluster; stage 2 installs the server, which then creates none.
apt_install postgresql-common
sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
grep -qx 'create_main_cluster = false' /etc/postgresql-common/createcluster.conf || die "could not turn off create_main_cluster"

# JIT comes with the server up to 17 and is its own package from 18 on: installed wherever it exists.
jit=
if apt-cache show "postgresql-$major-jit" >/dev/null 2>&1; then jit=postgresql-$major-jit; fi

# Patroni's etcd3 DCS imports python3-etcd (etcd) and, through it, python3-dnspython (dns).
# shellcheck disable=SC2086 # $jit is one word or none
apt_install "postgresql-$major" $jit patroni etcd-server etcd-client pgbackrest haproxy \
  python3-psycopg2 python3-etcd python3-dnspython util-linux ca-certificates iproute2 procps
[ -x "$bin_dir/postgres" ] || die "$bin_dir/postgres is missing after the install"
[ -z "$(ls -A "/etc/postgresql/$major" 2>/dev/null)" ] || die "a default cluster was created in /etc/postgresql/$major"

# UTF-8 by default (initdb takes its encoding from LANG), and the facts Patroni and the entrypoints read.
printf 'LANG=C.UTF-8\n' >/etc/default/locale
mkdir -p /etc/swarm-pg
cat >/etc/swarm-pg/image.env <<EOF
PG_MAJOR=$major
PATRONI_POSTGRESQL_BIN_DIR=$bin_dir
PATH=$bin_dir:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LANG=C.UTF-8
EOF

install -d -o postgres -g postgres -m 2775 /run/postgresql
install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
install -d -o postgres -g postgres -m 0750 /etc/patroni /var/lib/pgbackrest /var/log/pgbackrest /var/spool/pgbackrest
install -d -o etcd -g etcd -m 0700 /var/lib/etcd
install -d -o haproxy -g haproxy -m 0750 /var/lib/haproxy

apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/*.log /var/cache/debconf/*-old \
  /usr/share/man/* /usr/share/info/* /usr/share/lintian/*
find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
find /usr/share/doc -mindepth 1 -type d -empty -delete
find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
