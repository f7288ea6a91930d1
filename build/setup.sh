#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, test and run Microsoft.ML.CamLoss.
# Idempotent: when every package is present it changes nothing and returns at once.
set -euo pipefail

PACKAGES=(
  libtorch-dev                 # the engine: libtorch 1.13 (CPU, oneDNN), headers and CMake config
  libopencv-core-dev           # OpenCV core, imgproc and imgcodecs only (not all of libopencv-dev)
  libopencv-imgproc-dev
  libopencv-imgcodecs-dev
  cmake
  make                         # cmake's default generator (not pulled in with --no-install-recommends)
  g++
  libopenblas0-pthread         # optimised BLAS; libtorch otherwise falls back to the reference BLAS
  dataset-fashion-mnist        # real data for the quick-start: /usr/share/datasets/fashion-mnist
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH); install it, then run this again." >&2
  exit 1
fi

# Debian's alternatives must point libblas.so.3 at OpenBLAS, not the reference BLAS.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)
case "$blas" in
  *openblas*) ;;
  *) echo "setup: warning: libblas.so.3 resolves to ${blas:-nothing}, not OpenBLAS (update-alternatives --config libblas.so.3-x86_64-linux-gnu)" >&2 ;;
esac
