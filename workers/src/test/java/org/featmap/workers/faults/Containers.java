package org.featmap.workers.faults;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.grpc.health.v1.HealthCheckResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The same three services as infra/local, started by Testcontainers from their public images, where a
 * Docker engine is available. Configured like the local scripts: S3Proxy in filesystem mode with the
 * same fixed test credentials and buckets; MLflow with a SQLite backend store, default artifact root
 * {@code s3://featmap-mlflow/} and {@code --no-serve-artifacts} (the server reaches S3 over the
 * container network by the alias {@code s3}, clients over the host port); the Temporal CLI's dev server
 * with a SQLite file.
 *
 * <p>Each container's port is bound to a fixed free host port chosen at creation, so stopping and
 * starting a container (the outage tests) keeps its address, as the scripts' fixed ports do; data lives
 * in the container's own layer and survives a stop/start like the scripts' .run/ folders.
 *
 * <p>Images: the services' public images, or the ones infra/docker/build.sh builds from package registries
 * (featmap-s3proxy, featmap-mlflow, featmap-temporal: the same versions) where no registry is reachable.
 * {@code FEATMAP_CONTAINER_IMAGES=local|public} chooses; unset, the local ones are used when the engine
 * has them. With no registry Testcontainers' reaper image (ryuk) cannot be pulled either: run with
 * {@code TESTCONTAINERS_RYUK_DISABLED=true} (infra/docker/test.sh does); a shutdown hook then removes the
 * containers. Run for real by infra/docker/test.sh (ObjectStoreOutageIT, local images, 2026-12-02).
 */
final class Containers implements ServiceBackend {
    /** S3Proxy 2.6.0, as infra/local (its CI tags releases "s3proxy-X" with "X" too, docker/metadata-action match rule). */
    static final String S3_PUBLIC = "andrewgaul/s3proxy:2.6.0";
    /** MLflow 3.17.2 as infra/local; the "-full" variant has boto3, which the server needs to list S3 artifacts. */
    static final String MLFLOW_PUBLIC = "ghcr.io/mlflow/mlflow:v3.17.2-full";
    /** Temporal CLI v1.5.1 as infra/local (the image is tagged with the version without its "v"; entrypoint /temporal). */
    static final String TEMPORAL_PUBLIC = "temporalio/temporal:1.5.1";
    /** The same three services as built by infra/docker/build.sh (S3Proxy from Maven Central, MLflow from PyPI, the CLI from the Go module proxy). */
    static final String S3_LOCAL = "featmap-s3proxy:2.6.0",
            MLFLOW_LOCAL = "featmap-mlflow:3.17.2",
            TEMPORAL_LOCAL = "featmap-temporal:1.5.1";

    /** Whether this JVM uses the locally built images. */
    static final boolean LOCAL_IMAGES = localImages();

    static final String S3_IMAGE = LOCAL_IMAGES ? S3_LOCAL : S3_PUBLIC;
    static final String MLFLOW_IMAGE = LOCAL_IMAGES ? MLFLOW_LOCAL : MLFLOW_PUBLIC;
    static final String TEMPORAL_IMAGE = LOCAL_IMAGES ? TEMPORAL_LOCAL : TEMPORAL_PUBLIC;

    static boolean localImages() {
        String v = System.getenv().getOrDefault("FEATMAP_CONTAINER_IMAGES", "").trim();
        if (v.equalsIgnoreCase("local")) return true;
        if (v.equalsIgnoreCase("public")) return false;
        if (!v.isEmpty())
            throw new IllegalArgumentException(
                    "FEATMAP_CONTAINER_IMAGES='" + v + "' is not one of: local, public (or unset)");
        try {
            DockerClientFactory.instance().client().inspectImageCmd(S3_LOCAL).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static final String S3_ACCESS_KEY = "featmap-local";
    static final String S3_SECRET_KEY = "featmap-local-secret";
    static final String[] BUCKETS = {"featmap", "featmap-mlflow", "featmap-test"};
    private static final Duration STARTUP = Duration.ofMinutes(5);

    private final Network network = Network.newNetwork();
    private final int s3Port = freePort(), mlflowPort = freePort(), temporalPort = freePort();
    private final GenericContainer<?> s3;
    private final GenericContainer<?> mlflow;
    private final GenericContainer<?> temporal;

    private Containers() {
        s3 = new GenericContainer<>(DockerImageName.parse(S3_IMAGE))
                .withNetwork(network)
                .withNetworkAliases("s3")
                .withEnv("S3PROXY_ENDPOINT", "http://0.0.0.0:80")
                .withEnv("S3PROXY_AUTHORIZATION", "aws-v2-or-v4")
                .withEnv("S3PROXY_IDENTITY", S3_ACCESS_KEY)
                .withEnv("S3PROXY_CREDENTIAL", S3_SECRET_KEY)
                .withEnv("S3PROXY_IGNORE_UNKNOWN_HEADERS", "true")
                .withEnv("JCLOUDS_PROVIDER", "filesystem")
                .withEnv("JCLOUDS_FILESYSTEM_BASEDIR", "/data")
                // the local image (infra/docker/s3proxy-entrypoint.sh) takes the AWS SDK's names and makes the buckets
                .withEnv("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY)
                .withEnv("AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY)
                .withEnv("S3_BUCKETS", String.join(" ", BUCKETS))
                .withExposedPorts(80)
                .withCreateContainerCmdModifier(hostPort(s3Port, 80))
                .waitingFor(Wait.forListeningPort().withStartupTimeout(STARTUP));
        mlflow = new GenericContainer<>(DockerImageName.parse(MLFLOW_IMAGE))
                .withNetwork(network)
                .withNetworkAliases("mlflow")
                .dependsOn(s3)
                .withEnv("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY)
                .withEnv("AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY)
                .withEnv("AWS_DEFAULT_REGION", "us-east-1")
                .withEnv("MLFLOW_S3_ENDPOINT_URL", "http://s3:80")
                .withEnv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
                .withEnv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
                .withEnv("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
                .withCommand(
                        "mlflow",
                        "server",
                        "--host",
                        "0.0.0.0",
                        "--port",
                        "5000",
                        "--workers",
                        "1",
                        "--backend-store-uri",
                        "sqlite:////tmp/mlflow.db",
                        "--default-artifact-root",
                        "s3://featmap-mlflow/",
                        "--no-serve-artifacts")
                .withExposedPorts(5000)
                .withCreateContainerCmdModifier(hostPort(mlflowPort, 5000))
                .waitingFor(
                        Wait.forHttp("/health").forPort(5000).forStatusCode(200).withStartupTimeout(STARTUP));
        temporal = new GenericContainer<>(DockerImageName.parse(TEMPORAL_IMAGE))
                .withCommand(
                        "server",
                        "start-dev",
                        "--ip",
                        "0.0.0.0",
                        "--port",
                        "7233",
                        "--headless",
                        "--db-filename",
                        "/temporal.db",
                        "--namespace",
                        "default",
                        "--log-level",
                        "warn",
                        // as infra/local/temporal.sh: one partition per task queue (no forwarding between them)
                        "--dynamic-config-value",
                        "matching.numTaskqueueReadPartitions=1",
                        "--dynamic-config-value",
                        "matching.numTaskqueueWritePartitions=1")
                .withExposedPorts(7233)
                // The image is FROM scratch and runs as uid 1000, which cannot create a file in "/"; root can,
                // in the container's own layer (kept across a stop/start, like .run/temporal/temporal.db).
                .withCreateContainerCmdModifier(hostPort(temporalPort, 7233).andThen(cmd -> cmd.withUser("0:0")))
                // The default port check runs /bin/sh inside the container, which a scratch image lacks: ask the
                // frontend's gRPC health service instead, as the worker will.
                .waitingFor(
                        new AbstractWaitStrategy() {
                            @Override
                            protected void waitUntilReady() {
                                awaitUp(Service.TEMPORAL, startupTimeout);
                            }
                        }.withStartupTimeout(STARTUP));
    }

    /** Pulls (when needed) and starts the three containers: S3 first, its buckets, then MLflow, then Temporal. */
    static Containers start() throws Exception {
        Containers c = new Containers();
        // without the reaper (TESTCONTAINERS_RYUK_DISABLED) nothing else removes them when the JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(c::removeAll, "featmap-containers-cleanup"));
        c.s3.start();
        for (String b : BUCKETS) {
            var r = c.s3.execInContainer("mkdir", "-p", "/data/" + b);
            if (r.getExitCode() != 0)
                throw new IllegalStateException(
                        "could not create bucket " + b + " in " + S3_IMAGE + ": " + r.getStderr());
        }
        c.mlflow.start();
        c.temporal.start();
        return c;
    }

    private void removeAll() {
        for (GenericContainer<?> g : new GenericContainer<?>[] {temporal, mlflow, s3}) {
            try {
                g.stop();
            } catch (RuntimeException e) {
                // best effort at JVM exit
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            // best effort
        }
    }

    @Override
    public String describe() {
        return "Testcontainers (" + S3_IMAGE + " at " + s3Endpoint() + ", " + MLFLOW_IMAGE + " at " + mlflowUri() + ", "
                + TEMPORAL_IMAGE + " at " + temporalTarget() + ")";
    }

    private String host() {
        return s3.getHost();
    }

    @Override
    public URI s3Endpoint() {
        return URI.create("http://" + host() + ":" + s3Port);
    }

    @Override
    public URI mlflowUri() {
        return URI.create("http://" + host() + ":" + mlflowPort);
    }

    @Override
    public String temporalTarget() {
        return host() + ":" + temporalPort;
    }

    @Override
    public boolean isUp(Service s) {
        return switch (s) {
            // Docker's port proxy accepts connections for a container whose server is not listening yet: ask
            // for an HTTP answer (S3Proxy answers anything, if only with an S3 error), not just a TCP accept.
            case S3 -> FaultServices.httpStatus(s3Endpoint()) > 0;
            case MLFLOW -> FaultServices.httpOk(mlflowUri().resolve("/health"));
            case TEMPORAL -> temporalServing(temporalTarget());
        };
    }

    @Override
    public boolean start(Service s) {
        if (isUp(s)) return true;
        try {
            DockerClientFactory.instance()
                    .client()
                    .startContainerCmd(container(s).getContainerId())
                    .exec();
        } catch (com.github.dockerjava.api.exception.NotModifiedException alreadyRunning) {
            // 304: the container runs but its server did not answer the probe in time (seen on a loaded
            // machine right after start): wait for it below instead of failing the test
        }
        try {
            awaitUp(s, STARTUP);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public boolean stop(Service s) {
        DockerClientFactory.instance()
                .client()
                .stopContainerCmd(container(s).getContainerId())
                .withTimeout(20)
                .exec();
        return !isUp(s);
    }

    @Override
    public String startHint(Service s) {
        return "a Docker engine that can pull " + image(s) + " (or infra/local/" + s.script + " start without Docker)";
    }

    @Override
    public Map<String, String> processEnv() {
        // featmap's own discovery of infra/local does not apply: name the servers, as env.sh's variables do.
        return Map.of(
                "MLFLOW_TRACKING_URI",
                mlflowUri().toString(),
                "MLFLOW_S3_ENDPOINT_URL",
                s3Endpoint().toString(),
                "FEATMAP_S3_ENDPOINT",
                s3Endpoint().toString(),
                "AWS_ACCESS_KEY_ID",
                S3_ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY",
                S3_SECRET_KEY,
                "AWS_REGION",
                "us-east-1");
    }

    private GenericContainer<?> container(Service s) {
        return switch (s) {
            case S3 -> s3;
            case MLFLOW -> mlflow;
            case TEMPORAL -> temporal;
        };
    }

    static String image(Service s) {
        return switch (s) {
            case S3 -> S3_IMAGE;
            case MLFLOW -> MLFLOW_IMAGE;
            case TEMPORAL -> TEMPORAL_IMAGE;
        };
    }

    private void awaitUp(Service s, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!isUp(s)) {
            if (System.nanoTime() > end)
                throw new IllegalStateException(image(s) + " did not answer within " + timeout);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + image(s));
            }
        }
    }

    /** The Temporal frontend's gRPC health check says SERVING. */
    static boolean temporalServing(String target) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setRpcTimeout(Duration.ofSeconds(3))
                .build());
        try {
            return stubs.healthCheck().getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (RuntimeException e) {
            return false;
        } finally {
            stubs.shutdownNow();
        }
    }

    /** Binds the container's port to a fixed host port, so a stop/start keeps the address. */
    private static Consumer<CreateContainerCmd> hostPort(int host, int container) {
        return cmd -> cmd.getHostConfig()
                .withPortBindings(new PortBinding(Ports.Binding.bindPort(host), ExposedPort.tcp(container)));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port: " + e.getMessage(), e);
        }
    }
}
