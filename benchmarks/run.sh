#!/usr/bin/env bash
# Runs the memtable benchmarks from the repository root or anywhere else.
#
#   benchmarks/run.sh quick    # < 2 min: random puts (1 and 2 threads), hit gets, 100-entry scans (500k entries)
#   benchmarks/run.sh full     # the tables set, then WAL
#   benchmarks/run.sh tables   # every table workload, 1 and 2 threads, 100 B (put and get also 1 KiB)
#   benchmarks/run.sh wal      # the write-ahead-log benchmarks only (needs memtable-wal's log)
#   benchmarks/run.sh memory   # retained bytes per entry and GC work of a 1,000,000-entry load
#
# Extra arguments go to the Java main: Suite (--out DIR, --prof gc, --entries N) or
# MemoryFootprint (--entries N, --value-size B, --jvm-args "...", contender names).
# Results land in benchmarks/target/bench-<set>/ (results.json, summary.md, chart.png) and the
# full log in benchmarks/target/bench-<set>.log. The jar is rebuilt when any source is newer.
set -euo pipefail
cd "$(dirname "$0")/.."

set_name="${1:-}"
case "$set_name" in
  quick|full|tables|wal|memory) shift ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path '*/target' -prune -o -path ./.git -prune -o \
    \( -name '*.java' -o -name pom.xml -o -path '*/META-INF/services/*' \) \
    -newer "$jar" -print -quit)" ]; then
  echo "Building $jar ..."
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

if [ "$set_name" = memory ]; then
  exec java -cp "$jar" dev.memtable.bench.MemoryFootprint "$@"
fi
mkdir -p benchmarks/target
java -cp "$jar" dev.memtable.bench.Suite "$set_name" "$@" 2>&1 | tee "benchmarks/target/bench-$set_name.log"
exit "${PIPESTATUS[0]}"
