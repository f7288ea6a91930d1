#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything and runs the test suite.
# Ends with one line "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
build/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Microsoft.ML.CamLoss.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# Sum dotnet test's per-assembly summaries ("Passed!  - Failed: 0, Passed: 42, Skipped: 0, ...").
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i < NF; i++) {
      if ($i ~ /Failed$/) f += $(i + 1); if ($i ~ /Passed$/) p += $(i + 1); if ($i ~ /Skipped$/) s += $(i + 1)
    }
  } END { print p + 0, f + 0, s + 0 }' "$log")
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "tests: no test ran" >&2
  exit 1
fi
exit "$status"
