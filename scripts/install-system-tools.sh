#!/usr/bin/env bash
# System tools some hlopt commands drive (valgrind for instruction counts, etc.).
# Installed only when missing and when apt-get is usable (root on Debian/Ubuntu).
set -u
need=()
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v git >/dev/null 2>&1 || need+=(git)
# sysctl's namespace tests: unshare, setpriv (util-linux) and mount
command -v unshare >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v mount >/dev/null 2>&1 || need+=(mount)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing system tools: ${need[*]} (install them with your package manager)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { echo "apt-get install ${need[*]} failed" >&2; exit 1; }
