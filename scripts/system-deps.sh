#!/usr/bin/env bash
# Install the Debian packages named on the command line that are not installed yet.
# Usage: scripts/system-deps.sh PKG...
# As root (or with passwordless sudo) runs `apt-get update` once, then installs them;
# otherwise prints one line naming the missing packages and the command, and fails.
set -euo pipefail

missing=()
for pkg in "$@"; do
  # "ii" = installed and configured; anything else ("rc", "iU", unknown) counts as missing.
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$pkg")
done
(( ${#missing[@]} )) || exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "system-deps: missing Debian packages: ${missing[*]}; install them as root with: $cmd" >&2
  exit 1
fi

"${sudo[@]}" apt-get update -qq
unknown=()
for pkg in "${missing[@]}"; do
  apt-cache show --no-all-versions "$pkg" >/dev/null 2>&1 || unknown+=("$pkg")
done
if (( ${#unknown[@]} )); then
  echo "system-deps: no such package in the configured apt sources: ${unknown[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}" >&2
# Slim Debian images drop /usr/share/man/man1, which breaks the OpenJDK post-install script.
"${sudo[@]}" mkdir -p /usr/share/man/man1
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null \
  || { echo "system-deps: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
