#!/usr/bin/env bash
# A Docker engine for infra/docker's scripts: uses the one DOCKER_HOST (or the default socket) reaches;
# when none answers and we are root with Debian's docker.io installed, starts dockerd in the background
# (log: $FEATMAP_DOCKER_CACHE/dockerd.log). usage: engine.sh start|stop|status
#   FEATMAP_DOCKER_INSTALL=1   apt-get install docker.io, debootstrap, docker-compose first when missing (root)
# dockerd enables IP forwarding and sets iptables' FORWARD policy to DROP; other network tests on the
# machine (ip netns) may route through the host, so start puts the policy back to what it was.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PIDFILE="$CACHE_DIR/dockerd.pid"
LOG="$CACHE_DIR/dockerd.log"
SOCK="${DOCKER_HOST:-unix:///var/run/docker.sock}"

up() { dk version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# What the scripts need besides an engine: debootstrap (the local base) and a compose command.
missing_packages() {
  command -v dockerd >/dev/null || echo docker.io
  command -v debootstrap >/dev/null || echo debootstrap
  { "$DOCKER" compose version || docker-compose version; } >/dev/null 2>&1 || echo docker-compose
}

# FEATMAP_DOCKER_INSTALL=1 and root: apt-get install what is missing (a new machine; apt-get update when the
# package lists are stale or absent).
install_packages() {
  local need
  need="$(missing_packages | tr '\n' ' ')"
  [[ -z "${need// /}" ]] && return 0
  [[ "${FEATMAP_DOCKER_INSTALL:-0}" == 1 && "$(id -u)" == 0 ]] || return 0
  log docker "installing $need(apt-get)"
  # shellcheck disable=SC2086
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need \
      || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need; }; } >"$CACHE_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$CACHE_DIR/apt.log" >&2; die docker "apt-get install $need failed (log: $CACHE_DIR/apt.log)"; }
  DOCKER="$(pick_docker)"
}

start() {
  install_packages
  if up; then log docker "engine $(dk version --format '{{.Server.Version}}') answers at $SOCK"; return 0; fi
  if ! command -v dockerd >/dev/null; then
    [[ "${FEATMAP_DOCKER_INSTALL:-0}" == 1 && "$(id -u)" == 0 ]] \
      || die docker "no Docker engine answers at $SOCK and dockerd is not installed (apt-get install docker.io, or FEATMAP_DOCKER_INSTALL=1)"
    install_packages
  fi
  [[ "$(id -u)" == 0 ]] || die docker "no Docker engine answers at $SOCK; starting dockerd needs root"
  [[ "$SOCK" == unix://* ]] || die docker "DOCKER_HOST=$SOCK is not a unix socket this script can start dockerd on"
  local policy
  policy="$(iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p')"
  setsid dockerd -H "$SOCK" --pidfile "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
  local i
  for i in $(seq 1 60); do up && break; sleep 0.5; done
  up || { tail -n 20 "$LOG" >&2; die docker "dockerd did not answer within 30 s; log: $LOG"; }
  [[ -n "$policy" ]] && iptables -P FORWARD "$policy" 2>/dev/null || true
  log docker "started dockerd $(dk version --format '{{.Server.Version}}') at $SOCK (log $LOG)"
}

stop() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then log docker "no dockerd started by this script"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  log docker "stopped dockerd $pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if up; then echo "docker: engine $(dk version --format '{{.Server.Version}}') at $SOCK"; else echo "docker: none at $SOCK"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
