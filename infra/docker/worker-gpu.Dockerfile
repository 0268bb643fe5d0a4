# featmap GPU worker on a CUDA runtime base. Build from the repository root:
#   docker build -f infra/docker/worker-gpu.Dockerfile -t featmap-worker-gpu .
#
# CUDA natives for DJL 0.36 / PyTorch 2.7.1. pytorch-jni 2.7.1-0.36.0 carries the cu128 JNI
# (jnilib/linux-x86_64/cu128), but no pytorch-native-cu1xx 2.7.1 jar is on Maven Central (checked:
# cu128 and cu124 are "not found"), so the CUDA libtorch comes from PyTorch's own cu128 wheel and DJL
# loads it through PYTORCH_LIBRARY_PATH + PYTORCH_FLAVOR (DJL's "load your own PyTorch native
# library"). If your Maven repository has a CUDA natives jar, pass it instead:
#   --build-arg PYTORCH_NATIVE_ARTIFACT=pytorch-native-cu128   (the -Dpytorch.native.artifact switch)
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04

FROM maven:3.9-eclipse-temurin-17 AS build
ARG PYTORCH_NATIVE_ARTIFACT=pytorch-native-cpu
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl workers -am -Dpytorch.native.artifact=${PYTORCH_NATIVE_ARTIFACT}

FROM ${CUDA_IMAGE}
ARG TORCH_VERSION=2.7.1
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3-pip libturbojpeg-java libturbojpeg0-dev \
 && rm -rf /var/lib/apt/lists/* \
 && pip3 install --no-cache-dir "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}" \
 && ln -s "$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')" /opt/torch-lib \
 && useradd --create-home --uid 10001 featmap
WORKDIR /app
COPY --from=build /src/workers/target/featmap-workers-*.jar /app/featmap.jar
COPY --from=build /src/workers/target/lib /app/lib
USER featmap
# utility: nvidia-smi inside the container, read for featmap_gpu_memory_bytes
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    PYTORCH_LIBRARY_PATH=/opt/torch-lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    FEATMAP_DEVICE=gpu0 \
    FEATMAP_METRICS_PORT=9464 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.awt.headless=true"
EXPOSE 9464
ENTRYPOINT ["java", "-cp", "/app/featmap.jar:/app/lib/*", "org.featmap.workers.Featmap"]
CMD ["worker", "--help"]
