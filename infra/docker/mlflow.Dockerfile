# MLflow tracking server from PyPI, pinned as infra/local and the tests pin it (infra/local/lib.sh).
# Backend store: SQLite on the volume /mlflow; artifacts: clients write them to the object store
# themselves (s3://featmap-mlflow/, --no-serve-artifacts), as infra/local runs it. Build context: infra/docker.
ARG BASE_IMAGE=python:3.11.10-slim-bookworm
FROM ${BASE_IMAGE}
ARG MLFLOW_VERSION=3.17.2
ARG BOTO3_VERSION=1.44.8
# a venv: Debian's python refuses system-wide pip installs (PEP 668)
RUN --mount=type=cache,target=/root/.cache/pip \
    python3 -m venv /opt/mlflow \
 && /opt/mlflow/bin/pip install -q --disable-pip-version-check "mlflow==${MLFLOW_VERSION}" "boto3==${BOTO3_VERSION}" \
 && useradd --create-home --uid 10001 mlflow \
 && mkdir -p /mlflow && chown mlflow:mlflow /mlflow
USER mlflow
# MLflow 3 answers 403 to a Host header it does not know (DNS-rebinding guard; default: localhost and
# private IPs): the compose service name is added. Set MLFLOW_SERVER_ALLOWED_HOSTS for your own names.
ENV PATH=/opt/mlflow/bin:$PATH \
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
    MLFLOW_SERVER_ALLOWED_HOSTS="mlflow,mlflow:*,localhost,localhost:*,127.0.0.1,127.0.0.1:*" \
    AWS_REQUEST_CHECKSUM_CALCULATION=when_required \
    AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
EXPOSE 5000
VOLUME /mlflow
# MLFLOW_S3_ENDPOINT_URL and the AWS_* credentials come from the environment (compose: env_file)
CMD ["mlflow", "server", "--host", "0.0.0.0", "--port", "5000", "--workers", "1", \
     "--backend-store-uri", "sqlite:////mlflow/mlflow.db", \
     "--default-artifact-root", "s3://featmap-mlflow/", "--no-serve-artifacts"]
