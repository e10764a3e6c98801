#!/usr/bin/env bash
# The Docker part of CI, called by .ci/run after the Maven build (so streams/target/tandem.jar exists):
#   1. installs Debian's docker.io, debootstrap and docker-compose when missing;
#   2. starts a Docker engine unless one already answers (and stops the one it started, whatever happens);
#   3. builds the registry-free images (docker/build-local-images.sh; cached between runs on the same machine);
#   4. validates docker/compose.yaml with docker-compose (public and local image names);
#   5. runs the Testcontainers suites (io.tandem.tests.containers.*IT) against the local images;
#   6. brings compose.yaml up with the local images (Kafka, Tandem, generator, Prometheus; Grafana has no Debian
#      package, so no local image) and waits until Prometheus has scraped training counts from Tandem.
# Needs root for steps 1-2 when the engine is not running yet. Every step is time-boxed; exits non-zero on the first
# real failure with a message naming the step (and the tail of the engine's log when the engine is the problem).
# Environment: DOCKER_CI_KEEP_ENGINE=1 leaves a started engine running (for local debugging).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

KAFKA_IMAGE_LOCAL="local/kafka:4.4.0"
TANDEM_IMAGE_LOCAL="local/tandem:dev"
PROMETHEUS_IMAGE_LOCAL="local/prometheus:bookworm"
compose_project="tandem-ci-$$"
compose_up=0
work_dir="$(mktemp -d /tmp/tandem-docker-ci.XXXXXX)"
dockerd_log="$work_dir/dockerd.log"
dockerd_pid=""
started=$SECONDS

log() { printf '[docker/ci %s +%ds] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - started))" "$*"; }
fail() {
  printf '[docker/ci] FAILED: %s\n' "$*" >&2
  exit 1
}

# docker-compose on compose.yaml with the local images, as project $compose_project, time-boxed (5 minutes).
compose() {
  KAFKA_IMAGE="$KAFKA_IMAGE_LOCAL" TANDEM_IMAGE="$TANDEM_IMAGE_LOCAL" PROMETHEUS_IMAGE="$PROMETHEUS_IMAGE_LOCAL" \
    timeout 300 docker-compose -p "$compose_project" -f "$root/docker/compose.yaml" "$@"
}

stop_compose() {
  if ((compose_up)); then
    log "docker-compose down"
    compose down -v --remove-orphans >"$work_dir/compose-down.log" 2>&1 || true
    compose_up=0
  fi
}

# Logs (dockerd, apt, compose) stay in $work_dir when the run fails, and go when it passes.
cleanup() {
  local status=$?
  stop_compose
  stop_engine
  if ((status == 0)); then
    rm -rf "$work_dir"
  else
    echo "[docker/ci] logs kept in $work_dir" >&2
  fi
}

stop_engine() {
  if [[ -n "$dockerd_pid" ]] && kill -0 "$dockerd_pid" 2>/dev/null; then
    if [[ "${DOCKER_CI_KEEP_ENGINE:-0}" == 1 ]]; then
      log "leaving dockerd (pid $dockerd_pid) running, as DOCKER_CI_KEEP_ENGINE=1 asks"
      return
    fi
    log "stopping dockerd (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 1
    done
    kill -9 "$dockerd_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# --- 1. Packages ---------------------------------------------------------------------------------------------------
# dockerd: the engine; debootstrap: the base image without a registry; docker-compose: validating compose.yaml.
packages=()
command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
if ((${#packages[@]} > 0)); then
  log "installing ${packages[*]}"
  timeout 600 apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${packages[@]}" \
    >"$work_dir/apt.log" 2>&1 || { tail -20 "$work_dir/apt.log" >&2; fail "installing ${packages[*]}"; }
fi

# --- 2. Engine -----------------------------------------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  log "a Docker engine is already running; using it (and leaving it running)"
else
  log "starting dockerd (log: $dockerd_log)"
  dockerd --storage-driver=overlay2 >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -20 "$dockerd_log" >&2; fail "dockerd exited at start"; }
    sleep 1
  done
  docker info >/dev/null 2>&1 || { tail -20 "$dockerd_log" >&2; fail "dockerd did not answer within 60 s"; }
  log "dockerd answers: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
fi

# --- 3. Images -----------------------------------------------------------------------------------------------------
log "building local images"
KAFKA_IMAGE="$KAFKA_IMAGE_LOCAL" TANDEM_IMAGE="$TANDEM_IMAGE_LOCAL" \
  timeout 900 "$root/docker/build-local-images.sh" 2> >(grep -v -e 'legacy builder is deprecated' \
  -e 'BuildKit is currently disabled' -e 'environment-variable' -e '^$' >&2) ||
  fail "building the local images (docker/build-local-images.sh)"
docker images --filter 'reference=local/*' --format '  {{.Repository}}:{{.Tag}}  {{.Size}}'

# --- 4. Compose file -----------------------------------------------------------------------------------------------
log "validating docker/compose.yaml and docker/prometheus/prometheus.yml"
timeout 60 docker-compose -f docker/compose.yaml config -q || fail "docker-compose config (public images)"
KAFKA_IMAGE="$KAFKA_IMAGE_LOCAL" TANDEM_IMAGE="$TANDEM_IMAGE_LOCAL" \
  timeout 60 docker-compose -f docker/compose.yaml config -q || fail "docker-compose config (local images)"
timeout 60 docker run --rm -v "$root/docker/prometheus/prometheus.yml:/etc/prometheus/check.yml:ro" \
  --entrypoint promtool "$PROMETHEUS_IMAGE_LOCAL" check config /etc/prometheus/check.yml >/dev/null ||
  fail "promtool check config docker/prometheus/prometheus.yml"

# --- 5. Testcontainers suites --------------------------------------------------------------------------------------
# Only up to test-compile (up-to-date modules recompile nothing; the unit tests already ran in the main build), then
# Failsafe on the container ITs. Not `verify`: once streams is packaged in the same build, the test classpath holds
# streams/target/tandem.jar, whose manifest Class-Path drags streams/target/lib/* (commons-compress 1.21, jna 4.3, ...)
# ahead of Testcontainers' own versions (NoSuchMethodError in TarArchiveOutputStream). Failsafe sets
# TESTCONTAINERS_RYUK_DISABLED and TESTCONTAINERS_HOST_OVERRIDE.
log "running the Testcontainers suites against $KAFKA_IMAGE_LOCAL and $TANDEM_IMAGE_LOCAL"
export OMP_NUM_THREADS=1
rm -f tests/target/failsafe-reports/TEST-io.tandem.tests.containers.*.xml
timeout 900 mvn -B -ntp -pl tests -am test-compile failsafe:integration-test failsafe:verify \
  -Dit.test='io/tandem/tests/containers/*IT' -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dtandem.kafka.image="$KAFKA_IMAGE_LOCAL" -Dtandem.image="$TANDEM_IMAGE_LOCAL" ||
  fail "Testcontainers suites (tests/target/failsafe-reports has the details)"

# The suites skip themselves where no engine answers; here one does, so a skip means something is wrong.
read -r ran skipped < <(cat tests/target/failsafe-reports/TEST-io.tandem.tests.containers.*.xml 2>/dev/null |
  grep -o '<testsuite [^>]*>' |
  sed -E 's/.* tests="([0-9]+)".*/\1 &/; s/^([0-9]+) .* skipped="([0-9]+)".*/\1 \2/' |
  awk '{ran += $1; skipped += $2} END {print ran + 0, skipped + 0}')
((ran > 0)) || fail "no Testcontainers test ran (tests/target/failsafe-reports)"
((skipped == 0)) || fail "$skipped of $ran Testcontainers tests were skipped although a Docker engine runs"
log "Testcontainers suites: $ran tests passed"

# --- 6. Compose up with the local images ---------------------------------------------------------------------------
# Host ports: free ones, so a busy machine (something on 8080/9090) does not fail the run.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export KAFKA_HOST_PORT TANDEM_HOST_PORT PROMETHEUS_HOST_PORT GRAFANA_HOST_PORT
KAFKA_HOST_PORT="$(free_port)" TANDEM_HOST_PORT="$(free_port)" PROMETHEUS_HOST_PORT="$(free_port)"
GRAFANA_HOST_PORT="$(free_port)"
log "docker-compose up kafka tandem generator prometheus (project $compose_project)"
compose_up=1
compose up -d --no-build kafka tandem generator prometheus >"$work_dir/compose-up.log" 2>&1 ||
  { cat "$work_dir/compose-up.log" >&2; compose logs --tail 40 >&2 || true; fail "docker-compose up"; }
trained=""
for _ in $(seq 1 80); do
  trained="$(compose exec -T prometheus promtool query instant http://localhost:9090 \
    'sum(tandem_events_trained_events_total)' 2>/dev/null | sed -nE 's/.*=> ([0-9.e+]+) @.*/\1/p')"
  [[ -n "$trained" ]] && awk -v v="$trained" 'BEGIN {exit !(v > 0)}' && break
  trained=""
  sleep 3
done
if [[ -z "$trained" ]]; then
  compose ps >&2 || true
  compose logs --tail 40 tandem generator >&2 || true
  fail "compose: Prometheus saw no trained events from Tandem within 240 s"
fi
log "compose: Prometheus scraped sum(tandem_events_trained_events_total) = $trained from the Tandem container"
stop_compose

log "docker CI passed in $((SECONDS - started)) s"
