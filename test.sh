#!/usr/bin/env bash
# The test suite on a fresh Debian 12 machine with the .NET 10 SDK: installs the Debian packages the tests use when
# they are missing (as root, or with sudo; otherwise prints the one command to run and stops), runs every test project
# of NeuralProgrammer.sln (in Release, the configuration of README's `np train`, so its build is shared), totals the
# TRX files they write to TestResults/ (tests/ci.runsettings) and ends with "N passed, N failed[, N skipped]".
# Exits non-zero on any failure or when no test ran. Arguments go to `dotnet test` (e.g. --filter Name~Training).
# .ci/run runs this script: it is the command README.md gives.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use, each checked by a command it provides (so a second run installs nothing).
needs=(
  "redis-server redis-server"     # deployment and end-to-end tests: Redis clustering and grain storage across silos
  "yamllint yamllint"             # deployment tests: k8s/, docker-compose.yml, deploy/
  "docker-compose docker-compose" # deployment tests: docker-compose config (offline validation, no engine)
  "promtool prometheus"           # deployment and end-to-end tests: promtool check metrics / config, a scraping server
  "dockerd docker.io"             # deployment tests: the images built and the compose stack run (ContainerStackTests)
  "debootstrap debootstrap"       # deployment tests: the Debian base image of deploy/images/build.sh
)
missing=()
for need in "${needs[@]}"; do
  read -r command package <<<"$need"
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  install="apt-get install -y -qq --no-install-recommends ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need ${missing[*]} (Debian package names), and this machine has no apt-get: install them, then run $0 again."
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
    as_root=(sudo)
  else
    if command -v sudo >/dev/null 2>&1; then
      command_line="sudo apt-get update && sudo $install"
    else
      command_line="su -c 'apt-get update && $install'"
    fi
    echo "The tests need ${missing[*]}, which only root can install. Run:"
    echo
    echo "  $command_line"
    echo
    echo "then run $0 again."
    exit 1
  fi
  echo "+ ${as_root[*]:+sudo }apt-get update && ${as_root[*]:+sudo }$install"
  "${as_root[@]}" apt-get update -qq || { echo "apt-get update failed"; exit 1; }
  # shellcheck disable=SC2086 # $install is split into words on purpose
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive $install >/dev/null || { echo "could not install ${missing[*]}"; exit 1; }
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet is not on PATH: install the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux-debian)."
  exit 1
fi

# The container tests (tests/NeuralProgrammer.Deployment.Tests, ContainerStackTests) need a Docker engine and the
# disk for their images. A daemon this script starts, it stops at the end. When Docker cannot run, the reason goes
# to the tests in NP_DOCKER_UNAVAILABLE: they fail with it under CI=true and are reported as not run elsewhere.
docker_pid=
docker_log=out/dockerd.log
docker_unavailable() { export NP_DOCKER_UNAVAILABLE="$*"; echo "Docker: $*"; }
stop_docker() {
  [ -n "$docker_pid" ] || return 0
  echo "+ stopping the Docker engine this script started (pid $docker_pid)"
  kill "$docker_pid" 2>/dev/null
  for _ in $(seq 60); do kill -0 "$docker_pid" 2>/dev/null || return 0; sleep 0.5; done
  echo "the Docker engine did not stop within 30 s; its log: $docker_log"
}
trap stop_docker EXIT
start_docker() {
  # Measured from scratch: the images 1.1 GB and Docker's build cache 0.7 GB (/var/lib/docker), the publish folder
  # with its bin and obj 2 GB (out/images), the base image's root filesystem 0.3 GB while it is made. 6 GB leaves
  # room; both are on one file system on CI, and each is checked.
  local need_mb=6144 dir free_mb
  for dir in /var/lib "$PWD"; do
    free_mb=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
    if [ "${free_mb:-0}" -lt "$need_mb" ]; then
      docker_unavailable "only ${free_mb} MB free on the file system of $dir; the container tests need ${need_mb} MB"; return
    fi
  done
  if docker info >/dev/null 2>&1; then echo "Docker: the engine already runs"; return; fi
  if [ "$(id -u)" != 0 ]; then docker_unavailable "no Docker engine answers, and only root can start dockerd"; return; fi
  mkdir -p out
  # As root a missing containerd is started by dockerd itself. If the engine cannot set up its default bridge
  # (no bridge or netfilter support in a CI VM's kernel), it runs without one: the tests use the host's network.
  for options in "" "--bridge=none --iptables=false --ip6tables=false"; do
    echo "+ dockerd $options &"
    # shellcheck disable=SC2086 # $options is split into words on purpose
    dockerd $options >"$docker_log" 2>&1 &
    docker_pid=$!
    for _ in $(seq 60); do
      docker info >/dev/null 2>&1 && return
      kill -0 "$docker_pid" 2>/dev/null || break
      sleep 0.5
    done
    stop_docker
    docker_pid=
  done
  docker_unavailable "dockerd did not start; its log ($docker_log) ends: $(tail -3 "$docker_log" | tr '\n' ' ')"
}
unset NP_DOCKER_UNAVAILABLE
start_docker

rm -rf TestResults
echo "+ dotnet test NeuralProgrammer.sln -c Release $*"
dotnet test NeuralProgrammer.sln -c Release "$@"
test_exit=$?

passed=0; failed=0; skipped=0; files=0
for trx in TestResults/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { local value; value=$(echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"); echo "${value:-0}"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo
[ -n "${NP_DOCKER_UNAVAILABLE:-}" ] && echo "The container tests could not use Docker: $NP_DOCKER_UNAVAILABLE"
echo "$summary"
if [ "$files" -eq 0 ] || [ $((passed + failed)) -eq 0 ]; then echo "no test ran"; exit 1; fi
if [ "$failed" -gt 0 ] || [ "$test_exit" -ne 0 ]; then exit 1; fi
exit 0
