# The S3 service: S3Proxy (org.gaul:s3proxy, jar-with-dependencies from Maven Central) in filesystem mode,
# as infra/local/s3.sh runs it. Buckets are folders of /data, made at start from S3_BUCKETS; the
# credentials are the AWS SDK's variables (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, compose: env_file).
# Build context: infra/docker.
ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.13_11-jre

FROM ${BUILD_IMAGE} AS fetch
ARG S3PROXY_VERSION=2.6.0
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -ntp -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies" -DoutputDirectory=/opt \
 && mv /opt/s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar /opt/s3proxy.jar

FROM ${RUNTIME_IMAGE}
RUN useradd --create-home --uid 10001 s3 && mkdir -p /data && chown s3:s3 /data
COPY --from=fetch /opt/s3proxy.jar /opt/s3proxy.jar
COPY s3proxy-entrypoint.sh /usr/local/bin/s3proxy-entrypoint.sh
USER s3
ENV S3_BUCKETS="featmap featmap-mlflow"
EXPOSE 80
VOLUME /data
ENTRYPOINT ["/usr/local/bin/s3proxy-entrypoint.sh"]
