#!/usr/bin/env bash
# The README's main-job command: installs what is missing, builds, and runs the quick-start.
set -euo pipefail
cd "$(dirname "$0")/.."
build/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet run -c Release --project samples/QuickStart -- "$@"
