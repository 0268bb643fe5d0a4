#!/bin/sh
# Writes S3Proxy's properties from the environment (the secret goes to a 0600 file, never to argv or
# the log) and makes the buckets of S3_BUCKETS (folders of the filesystem provider).
set -eu
: "${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID (the S3 identity)}"
: "${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY (the S3 credential)}"
for b in ${S3_BUCKETS:-}; do mkdir -p "/data/$b"; done
conf="$HOME/s3proxy.conf"
umask 077
cat >"$conf" <<CONF
s3proxy.endpoint=http://0.0.0.0:80
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.identity=local
jclouds.credential=local
jclouds.filesystem.basedir=/data
CONF
exec java ${S3PROXY_JAVA_OPTS:--Xmx512m} -jar /opt/s3proxy.jar --properties "$conf"
