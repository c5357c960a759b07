# Prometheus from Debian 12's package, for machines that reach Debian's archive but no image registry (build.sh).
# Invoked as the official prom/prometheus image is: flags as the command, storage in /prometheus.
ARG BASE_IMAGE=neural-programmer/debian:bookworm
FROM ${BASE_IMAGE}
# Less moment-timezone's 214 MB of time-zone data, which only the classic web UI's date picker uses.
RUN echo 'path-exclude=/usr/share/javascript/moment-timezone/*' >/etc/dpkg/dpkg.cfg.d/np-no-moment-timezone \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
