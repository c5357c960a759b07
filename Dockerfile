# One application image for the Neural Programmer: the silo (the default entrypoint) and the np console (entrypoint
# `np`), published together, self-contained, so that libtorch and the .NET runtime are in it once.
#   DOCKER_BUILDKIT=1 docker build -t neural-programmer/np:0.1.0 .
#   docker run neural-programmer/np:0.1.0                               # a silo
#   docker run --entrypoint np neural-programmer/np:0.1.0 train --help  # the console
# With a registry, the defaults build in the official .NET SDK image and run on the official runtime-deps image
# (Ubuntu 24.04: its libstdc++ has GLIBCXX_3.4.32, so build/TorchSharpNativeFix.targets does nothing there).
# Without one, deploy/images/build.sh publishes on the host and builds this file on a Debian base image of its own:
#   --build-arg BASE_IMAGE=neural-programmer/debian:bookworm --build-arg APP_FILES=prebuilt, the context being the
#   folder `dotnet publish` wrote. BuildKit is needed there, as it builds only the stages the target uses (the
#   legacy builder would pull SDK_IMAGE all the same).
ARG VERSION=0.1.0
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble
# Where the published application comes from: "publish" (built here from the sources) or "prebuilt" (the context).
ARG APP_FILES=publish

FROM ${SDK_IMAGE} AS publish
WORKDIR /src
# Project files first, so that the package restore is a cached layer that only changes with them.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY Model/NeuralProgrammer.Model.csproj Model/
COPY Grains.Interfaces/NeuralProgrammer.Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/NeuralProgrammer.Grains.csproj Grains/
COPY Silo/NeuralProgrammer.Silo.csproj Silo/
COPY Client/NeuralProgrammer.Client.csproj Client/
RUN dotnet restore Client/NeuralProgrammer.Client.csproj -r linux-x64
COPY . .
# The client references the silo, so its publish folder holds both programs (np and NeuralProgrammer.Silo).
RUN dotnet publish Client/NeuralProgrammer.Client.csproj -c Release -r linux-x64 --self-contained --no-restore -o /out

FROM scratch AS prebuilt
COPY . /out/

FROM ${APP_FILES} AS app-files

FROM ${BASE_IMAGE} AS app
ARG VERSION
LABEL org.opencontainers.image.title="neural-programmer" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Neural Programmer (Orleans + TorchSharp): the silo, and the np console as entrypoint np"
# Owned by root and not writable by the user that runs it: the root filesystem can be mounted read-only.
COPY --from=app-files /out /app
# Checkpoints and exports: a volume in compose and Kubernetes, owned by the user below so that a new volume is too.
RUN mkdir -p /data/checkpoints && chown 1654:1654 /data/checkpoints
# HOME and TMPDIR in /tmp, the one place besides the volume that must be writable (a tmpfs or emptyDir under a
# read-only root filesystem): ASP.NET's data-protection keys and .NET's diagnostics sockets go there.
ENV PATH=/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/tmp \
    TMPDIR=/tmp \
    ASPNETCORE_HTTP_PORTS=8080 \
    NP_Silo__ListenAddress=0.0.0.0 \
    NP_Silo__SiloPort=11111 \
    NP_Silo__GatewayPort=30000
# Ports: 8080 HTTP (/healthz, /metrics, /dashboard), 11111 silo-to-silo, 30000 gateway.
EXPOSE 8080 11111 30000
# 1654 is the uid of the user "app" of the official .NET images; numeric, so that it needs no passwd entry.
USER 1654:1654
WORKDIR /data/checkpoints
# The image has no curl or wget: the silo binary probes its own /healthz (exit 0 on 200).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["NeuralProgrammer.Silo", "--health-check"]
ENTRYPOINT ["NeuralProgrammer.Silo"]
