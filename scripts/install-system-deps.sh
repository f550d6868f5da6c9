#!/usr/bin/env bash
# System packages the tests and PDF rendering need (Debian/Ubuntu): Chromium + CJK fonts for the PDF, and the real
# services the integration tests start on loopback. Idempotent: installs only what is missing.
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk poppler-utils openssh-server openssh-client sudo nginx apache2
  libapache2-mod-security2 modsecurity-crs libnginx-mod-http-modsecurity auditd rsyslog squid-openssl curl openssl
  nftables iptables)
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
