# Prometheus from Debian's package (bookworm: 2.42.0), configured by infra/prometheus/prometheus.yml
# (mounted at /etc/prometheus/prometheus.yml by compose). Build context: infra/docker.
ARG BASE_IMAGE=debian:12.8-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
EXPOSE 9090
VOLUME /prometheus
ENTRYPOINT ["/usr/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.listen-address=:9090"]
