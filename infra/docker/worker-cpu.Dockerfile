# featmap CPU worker. Build from the repository root:
#   docker build -f infra/docker/worker-cpu.Dockerfile -t featmap-worker-cpu:0.1.0-SNAPSHOT .
# Base images are build args: the defaults are the public images; infra/docker/build.sh passes local
# ones made from Debian's packages where no registry is reachable (infra/docker/local-base.Dockerfile).
# BuildKit (DOCKER_BUILDKIT=1) keeps Maven's repository in a cache mount between builds.
ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.13_11-jre

FROM ${BUILD_IMAGE} AS build
# the same stage as worker-gpu.Dockerfile's, so one build serves both images from the layer cache
ARG PYTORCH_NATIVE_ARTIFACT=pytorch-native-cpu
WORKDIR /src
# only what the build reads (.dockerignore leaves out tests: -Dmaven.test.skip), so a change to docs/,
# infra/ or a test does not rebuild the jars
COPY pom.xml ./
COPY core core
COPY ml ml
COPY activities activities
COPY workflows workflows
COPY workers workers
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -ntp -Dstyle.color=never -Dmaven.test.skip=true package -pl workers -am -Dpytorch.native.artifact=${PYTORCH_NATIVE_ARTIFACT} \
 && mkdir -p /app && cp workers/target/featmap-workers-*.jar /app/featmap.jar && cp -r workers/target/lib /app/lib

FROM ${RUNTIME_IMAGE}
# libjpeg-turbo's Java binding (docs/IMAGES.md); the codec falls back to javax.imageio without it
RUN apt-get update && (apt-get install -y --no-install-recommends libturbojpeg-java libturbojpeg0-dev \
      || echo "libturbojpeg-java not available: JPEG via javax.imageio") && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 featmap \
 && mkdir -p /work && chown featmap:featmap /work
WORKDIR /app
COPY --from=build /app /app
USER featmap
# TORCH_CPP_LOG_LEVEL: libtorch's own C++ warnings off, as the featmap script does (docs/NOTES.md)
ENV FEATMAP_METRICS_PORT=9464 \
    TORCH_CPP_LOG_LEVEL=ERROR \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.awt.headless=true"
EXPOSE 9464
# --add-opens: Arrow's netty allocator needs java.nio opened on Java 17 in every JVM that reads or writes
# feature stores (docs/NOTES.md, "Arrow")
ENTRYPOINT ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", "/app/featmap.jar:/app/lib/*", "org.featmap.workers.Featmap"]
CMD ["worker", "--help"]
