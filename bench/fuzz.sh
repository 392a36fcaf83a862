#!/usr/bin/env bash
# The long fuzz run: the same CsCheck properties the test suite runs a few thousand times each (netlink decoders,
# state loader and validator), with GATECTL_FUZZ_ITERATIONS inputs per property, on every core.
#   bench/fuzz.sh [inputs-per-property]      (default 200000: 6 properties, 1.2 million inputs in all)
# A failure prints CsCheck's seed; reproduce it with: dotnet test ... -- --filter-method NAME  and  CsCheck_Seed=SEED.
# Turn every crash it finds into a row of tests/Gate.NetlinkCtl.Tests/State/FuzzRegressionTests.cs (or the decoder's tests).
set -euo pipefail
cd "$(dirname "$0")/.."
per_property="${1:-200000}"
export GATECTL_FUZZ_ITERATIONS="$per_property"
dotnet build Gate.NetlinkCtl.sln -c Release -nologo -v quiet >&2
start=$(date +%s)
status=0
dotnet test --project tests/Gate.NetlinkCtl.Netlink.Tests -c Release --no-build -- --filter-class '*DecoderFuzzTests' || status=1
dotnet test --project tests/Gate.NetlinkCtl.Tests -c Release --no-build -- --filter-class '*StateLoaderFuzzTests' || status=1
elapsed=$(( $(date +%s) - start ))
echo "fuzz: 3 decoder and 3 loader properties, $per_property inputs each ($(( per_property * 6 )) in all), ${elapsed} s, $([ $status = 0 ] && echo 'no failure' || echo 'FAILED')"
exit $status
