# featmap CPU worker. Build from the repository root:
#   docker build -f infra/docker/worker-cpu.Dockerfile -t featmap-worker-cpu .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl workers -am

FROM eclipse-temurin:17-jre
# libjpeg-turbo's Java binding (docs/IMAGES.md); the codec falls back to javax.imageio without it
RUN apt-get update && (apt-get install -y --no-install-recommends libturbojpeg-java libturbojpeg0-dev \
      || echo "libturbojpeg-java not available: JPEG via javax.imageio") && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 featmap
WORKDIR /app
COPY --from=build /src/workers/target/featmap-workers-*.jar /app/featmap.jar
COPY --from=build /src/workers/target/lib /app/lib
USER featmap
ENV FEATMAP_METRICS_PORT=9464 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.awt.headless=true"
EXPOSE 9464
ENTRYPOINT ["java", "-cp", "/app/featmap.jar:/app/lib/*", "org.featmap.workers.Featmap"]
CMD ["worker", "--help"]
