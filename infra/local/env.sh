#!/usr/bin/env bash
# Prints the exports that the tests and `featmap` read to reach the local services:
#   eval "$(infra/local/env.sh)"
# The local S3 credentials are fixed test values for a loopback server; an override set through
# FEATMAP_LOCAL_S3_SECRET_KEY is printed as a reference to that variable, never as its value.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cat <<ENV
export FEATMAP_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export FEATMAP_MLFLOW_URI=http://127.0.0.1:$MLFLOW_PORT
export FEATMAP_TEMPORAL_TARGET=127.0.0.1:$TEMPORAL_PORT
export MLFLOW_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export AWS_REGION=$S3_REGION
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
ENV
if [[ -n "${FEATMAP_LOCAL_S3_SECRET_KEY:-}" ]]; then
  echo 'export AWS_SECRET_ACCESS_KEY="$FEATMAP_LOCAL_S3_SECRET_KEY"'
else
  echo "export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY"
fi
