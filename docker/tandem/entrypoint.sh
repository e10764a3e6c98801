#!/bin/sh
# Runs the Tandem CLI with JVM flags sized for the container, then the arguments (default: `run`).
#
# Heap: ND4J keeps native memory alive until its heap garbage is collected, so a large heap lets the RSS grow to
# gigabytes (FACTS.md); a small heap keeps it flat. With a container memory limit the heap is 40% of it (the rest is
# native memory: ND4J, RocksDB, JavaCPP's extracted libraries); without a limit it is TANDEM_HEAP (default 512m).
# JAVA_OPTS is appended last, so an -Xmx or -XX:MaxRAMPercentage there replaces these defaults.
set -eu

limit=max
if [ -r /sys/fs/cgroup/memory.max ]; then
  limit=$(cat /sys/fs/cgroup/memory.max)
elif [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
  limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
fi
# cgroup v1 reports "no limit" as a huge number; treat anything above 1 TiB as none.
if [ "$limit" = max ] || [ "$limit" -gt 1099511627776 ]; then
  heap="-Xmx${TANDEM_HEAP:-512m}"
else
  heap="-XX:MaxRAMPercentage=40"
fi

# JAVA_OPTS holds several flags: word splitting is intended.
# shellcheck disable=SC2086
exec java $heap -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} -cp '/opt/tandem/tandem.jar:/opt/tandem/lib/*' io.tandem.streams.cli.TandemCli "$@"
