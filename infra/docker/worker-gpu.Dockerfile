# featmap GPU worker on a CUDA runtime base. Build from the repository root:
#   docker build -f infra/docker/worker-gpu.Dockerfile -t featmap-worker-gpu:0.1.0-SNAPSHOT .
#
# CUDA natives for DJL 0.36 / PyTorch 2.7.1. pytorch-jni 2.7.1-0.36.0 carries the cu128 JNI
# (jnilib/linux-x86_64/cu128), but no pytorch-native-cu1xx 2.7.1 jar is on Maven Central (checked:
# cu128 and cu124 are "not found"), so the CUDA libtorch comes from PyTorch's own cu128 wheel and DJL
# loads it through PYTORCH_LIBRARY_PATH + PYTORCH_FLAVOR (DJL's "load your own PyTorch native
# library"). If your Maven repository has a CUDA natives jar, pass it instead:
#   --build-arg PYTORCH_NATIVE_ARTIFACT=pytorch-native-cu128   (the -Dpytorch.native.artifact switch)
#
# Stages: `java` is the CUDA base with the JRE and the worker (it runs on the bundled CPU natives: what
# infra/docker/build.sh builds and checks where no CUDA base and no PyTorch wheel index is reachable,
# --target java); the final stage adds the CUDA libtorch.
ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04

FROM ${BUILD_IMAGE} AS build
# the same stage as worker-cpu.Dockerfile's, so one build serves both images from the layer cache
ARG PYTORCH_NATIVE_ARTIFACT=pytorch-native-cpu
WORKDIR /src
COPY pom.xml ./
COPY core core
COPY ml ml
COPY activities activities
COPY workflows workflows
COPY workers workers
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -ntp -Dstyle.color=never -Dmaven.test.skip=true package -pl workers -am -Dpytorch.native.artifact=${PYTORCH_NATIVE_ARTIFACT} \
 && mkdir -p /app && cp workers/target/featmap-workers-*.jar /app/featmap.jar && cp -r workers/target/lib /app/lib

FROM ${CUDA_IMAGE} AS jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3-pip libturbojpeg-java libturbojpeg0-dev \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 featmap \
 && mkdir -p /work && chown featmap:featmap /work
ENV FEATMAP_METRICS_PORT=9464 \
    TORCH_CPP_LOG_LEVEL=ERROR \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.awt.headless=true"
EXPOSE 9464
# --add-opens: Arrow's netty allocator needs java.nio opened on Java 17 (docs/NOTES.md, "Arrow")
ENTRYPOINT ["java", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", "/app/featmap.jar:/app/lib/*", "org.featmap.workers.Featmap"]
CMD ["worker", "--help"]

FROM jre AS java
WORKDIR /app
COPY --from=build /app /app
USER featmap

FROM jre
ARG TORCH_VERSION=2.7.1
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
RUN pip3 install --no-cache-dir "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}" \
 && ln -s "$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')" /opt/torch-lib
WORKDIR /app
COPY --from=build /app /app
USER featmap
# utility: nvidia-smi inside the container, read for featmap_gpu_memory_bytes
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    PYTORCH_LIBRARY_PATH=/opt/torch-lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    FEATMAP_DEVICE=gpu0
