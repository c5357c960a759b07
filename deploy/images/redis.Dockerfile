# Redis from Debian 12's package, for machines that reach Debian's archive but no image registry (build.sh).
ARG BASE_IMAGE=neural-programmer/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
EXPOSE 6379
# No configuration file: Redis' defaults, but reachable from other containers as the official image is (its
# protected mode refuses clients that are not on loopback when no password is set).
CMD ["redis-server", "--protected-mode", "no"]
