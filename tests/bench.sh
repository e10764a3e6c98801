#!/usr/bin/env bash
# Runs Tandem's JMH benchmarks (tests/src/test/java/io/tandem/bench/...).
#   bash tests/bench.sh                       # every benchmark, JMH defaults of each class
#   bash tests/bench.sh 'Mmoe.*' -prof gc     # a subset, with JMH's allocation profiler
# Arguments go to org.openjdk.jmh.Main unchanged. ND4J/OpenMP are pinned to one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q install -DskipTests -pl tests -am
mvn -B -ntp -q -pl tests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
export OMP_NUM_THREADS=1
exec java -Xmx1g -cp "tests/target/test-classes:$(cat tests/target/bench.classpath)" \
  org.openjdk.jmh.Main "$@"
