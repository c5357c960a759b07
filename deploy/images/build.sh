#!/usr/bin/env bash
# Builds the project's container images on a machine that reaches Debian's archive and NuGet but no image registry,
# from scratch and idempotently (a step whose output is up to date is skipped):
#   neural-programmer/debian:bookworm     Debian 12 minbase (debootstrap) with the .NET runtime's dependencies
#   neural-programmer/np:<version>        the Dockerfile's image (silo and np), from a self-contained publish on this host
#   neural-programmer/redis:<version>     Redis from Debian's package (redis.Dockerfile)
#   neural-programmer/prometheus:<version> Prometheus from Debian's package (prometheus.Dockerfile)
# Needs root (debootstrap), a running Docker engine with a client that can build with BuildKit (Debian's docker.io,
# or any client with buildx), debootstrap and the .NET SDK. Prints each step's time and each image's size.
# Work files go to out/images/ (the publish folder and its bin and obj, the base image's root filesystem while it is
# made).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version=$(sed -n 's/^ARG VERSION=//p' Dockerfile)
base=neural-programmer/debian:bookworm
work=out/images
publish=$work/publish
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What a self-contained .NET app needs beyond minbase (the official runtime-deps image's list, less what minbase has).
base_packages=libicu72,libssl3,tzdata,ca-certificates
mkdir -p "$work"

fail() { echo "build.sh: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }
size() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%d MB", $1 / 1e6 }'; }

command -v docker >/dev/null || fail "no docker client on PATH (Debian package docker.io)"
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer: $(docker info 2>&1 | tail -1)"
command -v dotnet >/dev/null || fail "dotnet is not on PATH (the .NET 10 SDK)"

# A client that builds with BuildKit, which builds only the stages a target needs (the legacy builder would pull
# the Dockerfile's SDK image even for APP_FILES=prebuilt). Docker 23+ clients need the buildx plugin for it; Debian's
# docker.io client (20.10, /usr/bin/docker) has it built in. Another client may come first on PATH.
if docker buildx version >/dev/null 2>&1; then
  build() { docker buildx build --load "$@"; }
else
  builder=
  for client in "$(command -v docker)" /usr/bin/docker; do
    major=$("$client" version -f '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
    if [ -n "$major" ] && [ "$major" -lt 23 ]; then builder=$client; break; fi
  done
  [ -n "$builder" ] || fail "no docker client here builds with BuildKit: install the buildx plugin or Debian's docker.io"
  build() { DOCKER_BUILDKIT=1 "$builder" build "$@"; }
fi

# Inputs that make each output, as one hash: an image whose label np.inputs differs is rebuilt. The base image's
# are its recipe: raise base_recipe when make_base changes what goes into the image.
base_recipe=1
base_inputs=$(echo "bookworm minbase $base_packages $base_recipe" | sha256sum | cut -c1-16)

make_base() {
  if [ "$(label "$base" np.inputs)" = "$base_inputs" ]; then echo "= $base is up to date"; return; fi
  command -v debootstrap >/dev/null || fail "debootstrap is not on PATH (Debian package debootstrap)"
  [ "$(id -u)" = 0 ] || fail "debootstrap needs root"
  local start rootfs=$work/rootfs
  start=$(now)
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include="$base_packages" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    fail "debootstrap failed; its log: $work/debootstrap.log ($(tail -1 "$work/debootstrap.log"))"
  # Not needed at run time: downloaded packages, package lists (images that install more run apt-get update),
  # documentation other than licences, manuals, translations.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs"/usr/share/doc -type f ! -name copyright -delete
  tar -C "$rootfs" --numeric-owner -c . |
    docker import --change "LABEL np.inputs=$base_inputs" --change 'CMD ["bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
  echo "+ $base: debootstrap and import in $(took "$start") s, $(size "$base")"
}

# The sources a publish reads; newer than the last publish's stamp means publish again.
sources=(Model Grains.Interfaces Grains Silo Client build Directory.Build.props Directory.Build.targets Directory.Packages.props)
publish_app() {
  local stamp=$work/publish.stamp
  if [ -f "$stamp" ] && [ -z "$(find "${sources[@]}" -newer "$stamp" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]; then
    echo "= $publish is up to date"; return
  fi
  local start
  start=$(now)
  rm -rf "$publish"
  # On Debian 12 build/TorchSharpNativeFix.targets patches libLibTorchSharp.so in the publish folder, so that it loads
  # on the Debian base image's libstdc++ too. --artifacts-path: a bin and obj of its own (the restore for linux-x64
  # rewrites project.assets.json), so that a build of the solution running meanwhile, as under ./test.sh, is not
  # disturbed.
  dotnet publish Client/NeuralProgrammer.Client.csproj -c Release -r linux-x64 --self-contained \
    --artifacts-path "$work/artifacts" -o "$publish" >"$work/publish.log" 2>&1 || fail "dotnet publish failed; its log: $work/publish.log ($(grep -m1 -E 'error' "$work/publish.log"))"
  # A new stamp each time: it is also what the application image's label compares with.
  date +%s%N >"$stamp"
  echo "+ published in $(took "$start") s: $(du -sh "$publish" | cut -f1)"
}

# build_image <tag> <inputs hash> <docker build arguments...>
build_image() {
  local tag=$1 inputs=$2 start
  shift 2
  if [ "$(label "$tag" np.inputs)" = "$inputs" ]; then echo "= $tag is up to date"; return; fi
  start=$(now)
  local log=$work/$(echo "$tag" | tr '/:' '__').log
  build -q --label "np.inputs=$inputs" -t "$tag" "$@" >"$log" 2>&1 || fail "building $tag failed; its log: $log ($(tail -3 "$log"))"
  echo "+ $tag built in $(took "$start") s, $(size "$tag")"
}

total=$(now)
# debootstrap mostly waits for the network, the publish mostly for the CPU: both at once.
make_base >"$work/base.out" 2>&1 &
base_job=$!
publish_app
wait "$base_job" || { cat "$work/base.out"; fail "the base image was not made"; }
cat "$work/base.out"

base_id=$(docker image inspect -f '{{.Id}}' "$base")
hash() { cat "$@" | sha256sum | cut -c1-16; }
app_inputs=$(echo "$base_id $(cat "$work/publish.stamp") $(hash Dockerfile)" | sha256sum | cut -c1-16)
build_image "neural-programmer/np:$version" "$app_inputs" -f Dockerfile \
  --build-arg BASE_IMAGE="$base" --build-arg APP_FILES=prebuilt --build-arg VERSION="$version" "$publish" &
app_job=$!
for service in redis prometheus; do
  # --network host: apt-get reaches Debian's archive as this host does, whatever the bridge network allows.
  build_image "neural-programmer/$service:$version" "$(echo "$base_id $(hash "deploy/images/$service.Dockerfile")" | sha256sum | cut -c1-16)" \
    --network host -f "deploy/images/$service.Dockerfile" --build-arg BASE_IMAGE="$base" deploy/images
done
wait "$app_job" || fail "the application image was not built"
# Earlier builds of these images, untagged by the new ones.
docker image prune -f --filter label=np.inputs >/dev/null
echo "images ready in $(took "$total") s"
