# MLflow tracking server: PostgreSQL backend, artifacts proxied to the object store.
FROM python:3.11-slim
ARG MLFLOW_VERSION=2.17.2
RUN pip install --no-cache-dir "mlflow==${MLFLOW_VERSION}" "psycopg2-binary==2.9.10" "boto3==1.35.99"
EXPOSE 5000
# the backend URI is assembled from the environment (env_file), so no password sits in this file
CMD ["sh", "-c", "exec mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/mlflow --artifacts-destination s3://mlflow --serve-artifacts"]
