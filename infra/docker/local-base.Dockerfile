# Local stand-ins for the public base images, built from Debian's packages on top of a base made with
# debootstrap (infra/docker/build.sh makes and imports it as featmap-debian:bookworm when no public image
# can be pulled). One target per public image the other Dockerfiles default to:
#   jre     for eclipse-temurin:17-jre        (Debian's openjdk-17-jre-headless)
#   jdk     for maven:3.9-eclipse-temurin-17  (Debian's openjdk-17-jdk-headless + maven 3.8.7)
#   python  for python:3.11-slim              (Debian's python3 3.11 + venv)
#   go      for golang:1.26-bookworm          (the Go toolchain as a module from the Go module proxy)
ARG DEBIAN_IMAGE=featmap-debian:bookworm

FROM ${DEBIAN_IMAGE} AS debian
# Extra CA certificates of the building machine (build.sh copies /usr/local/share/ca-certificates/*.crt
# into extra-ca/ of a temporary context): a machine whose egress goes through a TLS-inspecting proxy
# needs them in the image for Maven Central and PyPI. Installed before the JDK, so Debian's
# ca-certificates-java puts them into Java's trust store too. An empty folder adds nothing.
COPY extra-ca/ /usr/local/share/ca-certificates/
# debootstrap writes only "bookworm main"; updates and security carry the patched JDK
RUN printf '%s\n' \
      'deb http://deb.debian.org/debian bookworm main' \
      'deb http://deb.debian.org/debian bookworm-updates main' \
      'deb http://deb.debian.org/debian-security bookworm-security main' > /etc/apt/sources.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/*

FROM debian AS jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*

FROM jre AS jdk
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*

FROM debian AS python
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
 && rm -rf /var/lib/apt/lists/*

FROM debian AS go
# Debian's golang (1.19) is too old for the Temporal server and CLI (go.mod: go 1.25.0); the toolchain module golang.org/toolchain is what
# GOTOOLCHAIN downloads, fetched from the Go module proxy
# with Python (minbase has no curl).
ARG GO_VERSION=1.26.8
ARG GOPROXY=https://proxy.golang.org
COPY fetch-go-toolchain.py /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 git \
 && rm -rf /var/lib/apt/lists/* \
 && python3 /tmp/fetch-go-toolchain.py "${GOPROXY}" "${GO_VERSION}" /usr/local/go
ENV PATH=/usr/local/go/bin:/root/go/bin:$PATH
