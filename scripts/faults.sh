#!/usr/bin/env bash
# Issue 22's fault and load catalogue on real processes — Redis with an append-only file, three silos, Prometheus and
# the np console — run on demand, not in CI: builds, runs FaultCatalogueTests (tests/NeuralProgrammer.EndToEnd.Tests)
# and prints its table. About 15 minutes on an idle 2-core machine. Needs redis-server and prometheus (./test.sh
# installs them); the read-only-folder and full-disk rows need a process allowed to mount a tmpfs (root), and say so
# when it is not.
#   scripts/faults.sh [table.md]     (default: faults-table.md; the full log next to it, .log)
#   NP_FAULTS_ONLY=load scripts/faults.sh   (the load alone; =sweep: the two sweep faults alone; =tls: np and a silo
#                                            with the wrong TLS certificate, on a TLS cluster of their own; =aof: Redis
#                                            restarted without persistence, on a cluster of its own)
set -euo pipefail
cd "$(dirname "$0")/.."
table="$(realpath -m "${1:-faults-table.md}")"
log="${table%.md}.log"
mkdir -p "$(dirname "$table")"
rm -f "$table"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' with local changes')"
status=0
NP_FAULTS=1 NP_FAULTS_OUT="$table" dotnet test tests/NeuralProgrammer.EndToEnd.Tests -c Release \
  --filter "FullyQualifiedName~FaultCatalogueTests" --logger "console;verbosity=detailed" \
  -- RunConfiguration.TestSessionTimeout=7200000 >"$log" 2>&1 || status=$?
if [[ -f "$table" ]]; then
  echo "commit $commit"
  cat "$table"
else
  echo "no table: the run failed before its end (exit $status); see $log" >&2
  tail -40 "$log" >&2
fi
echo "log: $log"
exit "$status"
