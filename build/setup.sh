#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, test and run Microsoft.ML.CamLoss.
# Idempotent: when every package is present it changes nothing and returns at once.
#
# The engine (TorchSharp with libtorch's CPU natives) and image decoding (SkiaSharp) come from NuGet
# with the build; nothing native is compiled here. What Debian provides:
set -euo pipefail

PACKAGES=(
  dataset-fashion-mnist        # real data for the quick-start and some tests: /usr/share/datasets/fashion-mnist
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
