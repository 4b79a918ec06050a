#!/usr/bin/env bash
# Runs the BackupKit benchmark (issue 8) from a clean clone: installs the servers and tools it needs (Debian,
# as root or with sudo), builds the modules, generates the data and writes docs/PERFORMANCE.md.
#   bash backup-bench/run.sh --scale 1          # the acceptance run (~1.3 GB PostgreSQL, ~1 GB media)
#   bash backup-bench/run.sh --scale 0.05       # a quick run
# Options: --scale S (default 1), --runs N (default 3), --work DIR, --doc FILE, --profile (JFR recordings of
# every BackupKit run in the work directory's logs/; the table then goes to the work directory).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v pg_dump >/dev/null || need+=(postgresql-client)
command -v mariadbd >/dev/null || need+=(mariadb-server)
command -v mariadb-dump >/dev/null || need+=(mariadb-client)
command -v zstd >/dev/null || need+=(zstd)
[ -x /usr/bin/time ] || need+=(time)
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi

# one reactor invocation: the sibling modules resolve to the jars it just packaged (nothing is installed in ~/.m2)
mvn -B -q -pl backup-bench -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
cp="backup-bench/target/classes:$(cat backup-bench/target/classpath.txt)"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec java -Xmx1g -cp "$cp" io.backupkit.bench.Bench "$@"
