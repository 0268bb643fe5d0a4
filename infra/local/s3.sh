#!/usr/bin/env bash
# S3-compatible server: S3Proxy (Maven Central, org.gaul:s3proxy jar-with-dependencies) in filesystem
# mode on loopback, with the fixed local credentials of lib.sh; buckets are folders of its base dir.
# usage: s3.sh install|installed|start|stop|status|bucket NAME
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NAME=s3
JAR_DIR="$RUN_DIR/s3proxy"
JAR="$JAR_DIR/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
DATA="$RUN_DIR/s3-data"
CONF="$RUN_DIR/s3proxy.conf"
URL="http://127.0.0.1:$S3_PORT"

install() {
  if [[ -s "$JAR" ]]; then log $NAME "S3Proxy $S3PROXY_VERSION already installed"; return 0; fi
  command -v mvn >/dev/null || die $NAME "Maven is needed to fetch S3Proxy from Maven Central"
  command -v java >/dev/null || die $NAME "Java 17 is needed to run S3Proxy"
  log $NAME "fetching org.gaul:s3proxy:$S3PROXY_VERSION:jar-with-dependencies"
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
    -DoutputDirectory="$JAR_DIR" >>"$LOG_DIR/s3-install.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/s3-install.log" >&2; die $NAME "mvn dependency:copy failed; log: $LOG_DIR/s3-install.log"; }
  log $NAME "installed $JAR"
}

# A bucket of the filesystem provider is a folder of the base dir, so creating one is idempotent and
# works whether or not the server is running.
make_buckets() {
  local b
  for b in "$@"; do
    [[ "$b" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || die $NAME "bad bucket name '$b' (allowed: 3-63 of a-z 0-9 . -)"
    mkdir -p "$DATA/$b"
  done
}

# S3Proxy opens its port once it serves.
healthy() { port_open "$S3_PORT"; }

start() {
  [[ -s "$JAR" ]] || die $NAME "not installed; run infra/local/s3.sh install"
  # shellcheck disable=SC2086
  make_buckets $S3_BUCKETS
  if [[ -n "$(running_pid $NAME)" ]]; then
    healthy && { log $NAME "already running on $URL"; return 0; }
  fi
  port_free "$S3_PORT" || die $NAME "port $S3_PORT is taken by another process (set FEATMAP_S3_PORT)"
  (umask 077; cat >"$CONF" <<CONF
s3proxy.endpoint=$URL
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.identity=local
jclouds.credential=local
jclouds.filesystem.basedir=$DATA
CONF
  )
  start_bg $NAME java -Xmx512m -jar "$JAR" --properties "$CONF"
  wait_until $NAME 60 healthy
  log $NAME "running on $URL (filesystem $DATA; buckets: $S3_BUCKETS)"
}

status() {
  if [[ -n "$(running_pid $NAME)" ]] && healthy; then echo "s3: running on $URL"; else echo "s3: stopped"; return 1; fi
}

case "${1:-}" in
  install) timed "$NAME install" install ;;
  start) timed "$NAME start" start ;;
  stop) stop_bg $NAME ;;
  installed) [[ -s "$JAR" ]] ;;
  status) status ;;
  bucket) shift; [[ $# -gt 0 ]] || die $NAME "usage: s3.sh bucket NAME..."; make_buckets "$@" ;;
  *) echo "usage: $0 install|installed|start|stop|status|bucket NAME..." >&2; exit 2 ;;
esac
