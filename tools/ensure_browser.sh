#!/usr/bin/env bash
# The browser journeys (tests/browser) drive Debian's Chromium; Chinese pages need CJK fonts.
# Installs both from Debian's packages when missing (never a browser download from elsewhere).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "Installing ${missing[*]} from Debian's packages for the browser tests"
if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
