#!/usr/bin/env bash
# System packages the tests and PDF rendering need (Debian/Ubuntu): Chromium + CJK fonts for the PDF, and the real
# services the integration tests start on loopback. Idempotent: installs only what is missing.
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk poppler-utils openssh-server openssh-client sudo nginx apache2
  libapache2-mod-security2 modsecurity-crs libnginx-mod-http-modsecurity auditd rsyslog squid-openssl curl openssl
  postgresql-15 postgresql-15-pgaudit mariadb-server nftables iptables)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts none of these here (no systemd); tests start their own instances. Stop any a package did start, so
# ports and the single kernel audit owner are free.
for s in nginx apache2 squid auditd rsyslog ssh; do $SUDO service "$s" stop >/dev/null 2>&1 || true; done
# The database tests start throwaway clusters on their own ports: stop a default PostgreSQL cluster or mariadbd that
# a postinst may have started (RECIPES §9-10: policy-rc.d usually prevents it).
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h 2>/dev/null | while read -r ver name port status _; do
    [ "$status" = online ] && $SUDO pg_ctlcluster "$ver" "$name" stop || true
  done
fi
[ -r /run/mysqld/mysqld.pid ] && $SUDO kill "$(cat /run/mysqld/mysqld.pid)" 2>/dev/null || true
