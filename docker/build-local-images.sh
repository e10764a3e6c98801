#!/usr/bin/env bash
# Builds Tandem's container images with no image registry, from Debian's package mirror and the local Maven build:
#
#   local/debian:bookworm  minimal Debian made with debootstrap and `docker import` (skipped when it exists)
#   local/jre17:bookworm   that + openjdk-17-jre-headless                 (docker/jre/Dockerfile)
#   local/kafka:4.4.0      a KRaft broker Testcontainers' KafkaContainer accepts as apache/kafka (docker/kafka/)
#   local/tandem:dev       the Tandem image (docker/Dockerfile) built FROM local/jre17:bookworm
#   local/prometheus:bookworm  Debian's Prometheus server (docker/prometheus/Dockerfile), for docker/compose.yaml
#
# Usage: docker/build-local-images.sh [debian|jre|kafka|tandem|prometheus ...]   (no argument = all, in that order)
# Needs: a running Docker engine, debootstrap (for the first image only), java + mvn (Kafka jars, Tandem jar).
# Idempotent: the Debian image is built once per machine; the others reuse Docker's layer cache and Maven's local
# repository, so a second run with unchanged inputs takes seconds. Set REBUILD_BASE=1 to rebuild the Debian image.
# Environment overrides: DEBIAN_IMAGE, JRE_IMAGE, KAFKA_IMAGE, TANDEM_IMAGE, PROMETHEUS_IMAGE (names), DEBIAN_MIRROR,
# KAFKA_VERSION (must match docker/kafka/pom.xml's default unless you pass a different one on purpose).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker_dir="$root/docker"

DEBIAN_IMAGE="${DEBIAN_IMAGE:-local/debian:bookworm}"
JRE_IMAGE="${JRE_IMAGE:-local/jre17:bookworm}"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_IMAGE="${KAFKA_IMAGE:-local/kafka:$KAFKA_VERSION}"
TANDEM_IMAGE="${TANDEM_IMAGE:-local/tandem:dev}"
PROMETHEUS_IMAGE="${PROMETHEUS_IMAGE:-local/prometheus:bookworm}"

log() { printf '[build-local-images %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[build-local-images] ERROR: %s\n' "$*" >&2; exit 1; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Scratch directories, removed however the script ends.
scratch_dirs=()
remove_scratch() { ((${#scratch_dirs[@]} == 0)) || rm -rf "${scratch_dirs[@]}"; }
trap remove_scratch EXIT
# new_scratch_dir VAR NAME: creates /tmp/tandem-NAME.XXXXXX and stores its path in VAR (no subshell, so the path
# is recorded for the cleanup).
new_scratch_dir() {
  local dir
  dir="$(mktemp -d "/tmp/tandem-$2.XXXXXX")"
  scratch_dirs+=("$dir")
  printf -v "$1" '%s' "$dir"
}

# The legacy builder is the one Debian's docker.io ships with; it prints a deprecation notice, which is harmless.
# --network host: RUN steps reach the Debian mirror directly (faster than the bridge here).
# The label lets the end of the run remove the dangling images that rebuilds leave behind, and only those.
docker_build() { DOCKER_BUILDKIT=0 docker build --network host --label io.tandem.local-build=true -q "$@"; }

# The first Debian mirror URI apt uses on this machine (deb822 sources first, then the classic list).
debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri="$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
      /etc/apt/sources.list)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

build_debian() {
  if image_exists "$DEBIAN_IMAGE" && [[ "${REBUILD_BASE:-0}" != 1 ]]; then
    log "$DEBIAN_IMAGE exists; skipped (REBUILD_BASE=1 rebuilds it)"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
  local mirror rootfs
  mirror="$(debian_mirror)"
  new_scratch_dir rootfs rootfs
  log "debootstrap bookworm from $mirror (a few minutes) ..."
  local debootstrap_log
  new_scratch_dir debootstrap_log debootstrap-log
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$debootstrap_log/out" 2>&1 ||
    { tail -20 "$debootstrap_log/out" >&2; die "debootstrap failed (log above)"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # Inside the image, apt uses the same mirror as the host (the default deb.debian.org may be unreachable).
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
    rm -f "$rootfs/etc/apt/sources.list"
  else
    printf 'deb %s bookworm main\n' "$mirror" >"$rootfs/etc/apt/sources.list"
  fi
  tar -C "$rootfs" -c . | docker import - "$DEBIAN_IMAGE" >/dev/null
  log "imported $DEBIAN_IMAGE"
}

build_jre() {
  image_exists "$DEBIAN_IMAGE" || build_debian
  log "building $JRE_IMAGE ..."
  docker_build --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$JRE_IMAGE" "$docker_dir/jre" >/dev/null
  log "built $JRE_IMAGE"
}

build_kafka() {
  image_exists "$JRE_IMAGE" || build_jre
  command -v mvn >/dev/null 2>&1 || die "mvn is not installed (needed to fetch Kafka's jars)"
  # The build context is a scratch copy of docker/kafka plus Kafka's runtime jars, so the repository stays clean.
  local context
  new_scratch_dir context kafka-image
  cp "$docker_dir/kafka/Dockerfile" "$docker_dir/kafka/run" "$docker_dir/kafka/log4j2.properties" "$context/"
  log "resolving Kafka $KAFKA_VERSION jars (Maven, cached in ~/.m2) ..."
  mvn -B -ntp -f "$docker_dir/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$context/libs" >"$context/mvn.log" 2>&1 ||
    { tail -30 "$context/mvn.log" >&2; die "could not resolve Kafka $KAFKA_VERSION jars (Maven output above)"; }
  rm -f "$context/mvn.log"
  # copy-dependencies gives the files fresh timestamps; Docker's cache keys on content, so unchanged jars still hit.
  log "building $KAFKA_IMAGE ..."
  docker_build --build-arg "BASE_IMAGE=$JRE_IMAGE" -t "$KAFKA_IMAGE" "$context" >/dev/null
  log "built $KAFKA_IMAGE"
}

build_tandem() {
  image_exists "$JRE_IMAGE" || build_jre
  if [[ ! -f "$root/streams/target/tandem.jar" || ! -d "$root/streams/target/lib" ]]; then
    log "streams/target/tandem.jar is missing; building it (mvn install -pl streams -am, no tests) ..."
    (cd "$root" && mvn -B -ntp -q install -pl streams -am -DskipTests) || die "building tandem.jar failed"
  fi
  log "building $TANDEM_IMAGE ..."
  docker_build --build-arg "BASE_IMAGE=$JRE_IMAGE" -f "$docker_dir/Dockerfile" -t "$TANDEM_IMAGE" "$root" >/dev/null
  log "built $TANDEM_IMAGE"
}

build_prometheus() {
  image_exists "$DEBIAN_IMAGE" || build_debian
  log "building $PROMETHEUS_IMAGE ..."
  docker_build --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$PROMETHEUS_IMAGE" "$docker_dir/prometheus" >/dev/null
  log "built $PROMETHEUS_IMAGE"
}

main() {
  command -v docker >/dev/null 2>&1 || die "docker CLI not found"
  docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd first; see docker/ci.sh)"
  local targets=("$@")
  ((${#targets[@]} > 0)) || targets=(debian jre kafka tandem prometheus)
  local target start
  for target in "${targets[@]}"; do
    start=$SECONDS
    case "$target" in
      debian) build_debian ;;
      jre) build_jre ;;
      kafka) build_kafka ;;
      tandem) build_tandem ;;
      prometheus) build_prometheus ;;
      *) die "unknown image '$target' (expected debian, jre, kafka, tandem or prometheus)" ;;
    esac
    log "$target: $((SECONDS - start)) s"
  done
  docker image prune -f --filter label=io.tandem.local-build=true >/dev/null
}

main "$@"
