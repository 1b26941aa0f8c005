#!/usr/bin/env bash
# Compiles and lints every .bicep file under infra/ with the real Bicep CLI, restored from NuGet with dotnet.
# Zero errors and zero warnings: the CLI exits 0 on warnings, so any diagnostic line fails this script.
# The ARM JSON goes to infra/.build/ (git-ignored), where test/infra/*.test.ts reads it.
# Usage: infra/build.sh            exit 3 when dotnet is missing (tests then skip and say why)
set -euo pipefail
cd "$(dirname "$0")"
BICEP_VERSION=0.49.2
OUT=.build
start=$(date +%s%N)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "infra/build.sh: dotnet is not on PATH; cannot restore the Bicep CLI (Azure.Bicep.CommandLine.linux-x64)" >&2
  exit 3
fi

bicep="$OUT/packages/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"
if [ ! -x "$bicep" ]; then
  framework="net$(dotnet --version | cut -d. -f1,2)"
  dotnet restore tools/bicep-cli.csproj --packages "$OUT/packages" --nologo -v quiet \
    -p:BicepRestoreFramework="$framework" -p:BicepCliVersion="$BICEP_VERSION"
  chmod +x "$bicep"
fi
restored=$(date +%s%N)

mapfile -t files < <(find . -path ./.build -prune -o -name '*.bicep' -print | sed 's|^\./||' | sort)
diagnostics="$OUT/diagnostics.txt"
status=0
# One CLI start per verb (each start loads Azure's type index, about 4 s): --pattern takes every file.
"$bicep" lint --pattern '**/*.bicep' >"$diagnostics" 2>&1 || status=1
"$bicep" build --pattern '**/*.bicep' --outdir "$OUT" >>"$diagnostics" 2>&1 || status=1
if grep -Eq ': (Error|Warning|Info) ' "$diagnostics"; then status=1; fi
end=$(date +%s%N)

cat "$diagnostics" >&2
printf 'infra/build.sh: Bicep CLI %s, %d files, restore %d ms, build+lint %d ms: %s\n' \
  "$BICEP_VERSION" "${#files[@]}" $(((restored - start) / 1000000)) $(((end - restored) / 1000000)) \
  "$([ $status -eq 0 ] && echo clean || echo FAILED)"
exit $status
