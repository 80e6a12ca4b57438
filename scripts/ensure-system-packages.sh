#!/usr/bin/env bash
# Installs the Debian packages this app needs, only those that are missing.
# Usage: scripts/ensure-system-packages.sh runtime|test
# As root it installs them; otherwise it prints the exact apt-get command and fails.
set -euo pipefail

runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-gkai00mp gettext)
test_only=(poppler-utils chromium)

wanted=("${runtime[@]}")
if [ "${1:-runtime}" = "test" ]; then
  wanted+=("${test_only[@]}")
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  wanted+=(python3-venv)
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing missing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "Missing Debian packages. Run as root:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
