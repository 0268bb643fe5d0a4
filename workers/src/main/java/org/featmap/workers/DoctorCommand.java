package org.featmap.workers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.featmap.activities.store.Stores;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The first command a cluster user runs: what this machine gives a worker (engine, libtorch flavour, devices
 * with their memory, a small matmul on each device checked against a float64 reference) and whether the
 * services a sweep needs answer (the store written and read back, Temporal, MLflow). One line per check; a
 * failed check says what to fix. Exit 0 when every check passed, 3 when one failed.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description =
                "Checks this machine and the services a sweep needs: engine and libtorch (version, flavour), devices with"
                        + " memory and a matmul on each, the store (write, read, delete), Temporal and MLflow; one line per check with what to fix.")
final class DoctorCommand implements Callable<Integer> {
    @Option(
            names = "--temporal",
            description = "Temporal frontend HOST:PORT to reach (default: not checked; run uses an in-process service)")
    String temporal;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            description = "Temporal namespace that must exist (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(
            names = "--store",
            description =
                    "artifact store to write and read back: a folder or s3://bucket/prefix (default: $FEATMAP_STORE, else ./featmap-data)")
    String store;

    @Option(
            names = "--mlflow",
            description = "MLflow tracking URI to reach (default: $MLFLOW_TRACKING_URI; none: not checked)")
    String mlflow;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            description =
                    "cpu, or gpu: require CUDA libtorch and at least one GPU, and run the matmul on every GPU (default: ${DEFAULT-VALUE})")
    String device;

    /** One check's outcome: ok, failed (with what to fix) or skipped (not asked for). */
    record Check(String status, String name, String detail) {
        static Check ok(String name, String detail) {
            return new Check("ok", name, detail);
        }

        static Check fail(String name, String detail) {
            return new Check("FAIL", name, detail);
        }

        static Check skip(String name, String detail) {
            return new Check("skip", name, detail);
        }

        String line() {
            return String.format("%-4s  %-9s %s", status, name, detail);
        }
    }

    @Override
    public Integer call() {
        if (!device.equals("cpu") && !device.equals("gpu"))
            throw new IllegalArgumentException("--device '" + device + "': allowed cpu, gpu");
        List<Check> checks = new ArrayList<>();
        checks.add(Check.ok(
                "java",
                System.getProperty("java.vm.name") + " " + Runtime.version() + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                        + gib(Runtime.getRuntime().maxMemory())));
        checks.addAll(engine());
        checks.add(store());
        checks.add(temporal());
        checks.add(mlflow());
        boolean failed = false;
        for (Check c : checks) {
            System.out.println(c.line());
            failed |= c.status().equals("FAIL");
        }
        System.out.println(failed ? "some checks failed: fix the FAIL lines above" : "all checks passed");
        return failed ? 3 : 0;
    }

    // ---- engine and devices ----

    List<Check> engine() {
        List<Check> out = new ArrayList<>();
        Engine e;
        try {
            e = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError x) {
            out.add(
                    Check.fail(
                            "engine",
                            "PyTorch engine does not load (" + oneLine(x)
                                    + "); GPU workers: PYTORCH_LIBRARY_PATH must name the lib/"
                                    + " folder of a torch 2.7.1 wheel with PYTORCH_VERSION=2.7.1 and PYTORCH_FLAVOR (docs/DEPLOYMENT.md)"));
            return out;
        }
        String path = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
        String flavour = flavour(path);
        out.add(Check.ok(
                "engine",
                "DJL " + Engine.getDjlVersion() + ", PyTorch " + e.getVersion() + " (libtorch " + flavour + ", " + path
                        + ")"));
        int gpus = e.getGpuCount();
        List<Device> devices = new ArrayList<>(List.of(Device.cpu()));
        for (int i = 0; i < gpus; i++) devices.add(Device.gpu(i));
        StringBuilder list = new StringBuilder("cpu (" + gib(physicalMemory()) + " RAM)");
        for (int i = 0; i < gpus; i++) {
            java.lang.management.MemoryUsage m = ai.djl.util.cuda.CudaUtils.getGpuMemory(Device.gpu(i));
            list.append(", gpu:")
                    .append(i)
                    .append(" (")
                    .append(gib(m.getMax()))
                    .append(", ")
                    .append(gib(m.getMax() - m.getUsed()))
                    .append(" free, compute ")
                    .append(ai.djl.util.cuda.CudaUtils.getComputeCapability(i))
                    .append(')');
        }
        if (device.equals("gpu") && gpus == 0)
            out.add(Check.fail(
                    "devices",
                    list + "; no GPU visible to libtorch " + flavour + ": install a CUDA torch 2.7.1 wheel and set"
                            + " PYTORCH_LIBRARY_PATH=<site-packages>/torch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 (docs/DEPLOYMENT.md),"
                            + " check nvidia-smi and the container's GPU request"));
        else out.add(Check.ok("devices", list.toString()));
        for (Device d : devices) out.add(matmul(d));
        return out;
    }

    /** A 256×256 float32 matmul on the device against a float64 product computed here. */
    static Check matmul(Device d) {
        int n = 256;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        float[] a = new float[n * n], b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
            b[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        String name = "matmul";
        try (NDManager m = NDManager.newBaseManager(d, "PyTorch")) {
            long t0 = System.nanoTime();
            NDArray x = m.create(a, new Shape(n, n));
            NDArray y = m.create(b, new Shape(n, n));
            float[] got = x.matMul(y).toFloatArray();
            double ms = (System.nanoTime() - t0) / 1e6;
            double worst = 0;
            for (int r = 0; r < n; r += 17)
                for (int c = 0; c < n; c += 13) {
                    double want = 0;
                    for (int k = 0; k < n; k++) want += (double) a[r * n + k] * b[k * n + c];
                    worst = Math.max(worst, Math.abs(got[r * n + c] - want));
                }
            // float32 sums of 256 products of numbers in [-1, 1]: errors far below 1e-3; TF32 (GPU) stays below 5e-2
            double allowed = d.isGpu() ? 5e-2 : 1e-3;
            String what = String.format(
                    Locale.ROOT,
                    "%s: 256×256 float32 in %.1f ms, max |error| %.1e vs float64",
                    d.getDeviceType() + (d.isGpu() ? ":" + d.getDeviceId() : ""),
                    ms,
                    worst);
            return worst <= allowed
                    ? Check.ok(name, what)
                    : Check.fail(
                            name,
                            what + " (allowed " + allowed
                                    + "): the device computes wrong results; check the driver and libtorch build");
        } catch (RuntimeException | Error e) {
            return Check.fail(
                    name, d + ": " + oneLine(e) + " (driver, CUDA version or device memory; nvidia-smi shows both)");
        }
    }

    static String flavour(String libtorchPath) {
        String env = System.getenv("PYTORCH_FLAVOR");
        if (env != null && !env.isBlank()) return env;
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(cpu|cu\\d+)").matcher(libtorchPath == null ? "" : libtorchPath);
        return m.find() ? m.group(1) : "unknown flavour";
    }

    static long physicalMemory() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
    }

    static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    // ---- services ----

    Check store() {
        String uri = store != null ? store : System.getenv().getOrDefault("FEATMAP_STORE", "./featmap-data");
        String key = "doctor-" + UUID.randomUUID();
        byte[] probe = ("featmap doctor " + key + "\n").getBytes(StandardCharsets.UTF_8);
        try (ArtifactStore s = Stores.open(uri)) {
            ArtifactRef ref = s.putBytes("doctor", key, "probe.txt", probe);
            byte[] back = s.readBytes(ref);
            s.delete("doctor", key);
            if (!java.util.Arrays.equals(back, probe))
                return Check.fail("store", uri + ": read back other bytes than written");
            return Check.ok("store", s.uri() + ": wrote, read back and deleted a probe");
        } catch (Exception e) {
            return Check.fail(
                    "store",
                    uri + ": " + oneLine(e)
                            + (uri.startsWith("s3://")
                                    ? " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3 and the bucket; docs/DEPLOYMENT.md)"
                                    : " (the folder must be writable; --store or FEATMAP_STORE)"));
        }
    }

    Check temporal() {
        if (temporal == null)
            return Check.skip(
                    "temporal",
                    "no --temporal: `featmap run` would use an in-process service whose state ends with it");
        try (Temporal t = Temporal.connect(temporal, namespace)) {
            var stubs = t.client().getWorkflowServiceStubs();
            var info = stubs.blockingStub()
                    .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .getSystemInfo(io.temporal.api.workflowservice.v1.GetSystemInfoRequest.getDefaultInstance());
            stubs.blockingStub()
                    .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .describeNamespace(io.temporal.api.workflowservice.v1.DescribeNamespaceRequest.newBuilder()
                            .setNamespace(namespace)
                            .build());
            return Check.ok("temporal", temporal + ": server " + info.getServerVersion() + ", namespace " + namespace);
        } catch (RuntimeException e) {
            return Check.fail(
                    "temporal",
                    temporal + ": " + oneLine(e)
                            + " (is the frontend up and the namespace created? infra/local/services.sh start,"
                            + " or the cluster's temporal-frontend service)");
        }
    }

    Check mlflow() {
        String uri = mlflow != null ? mlflow : System.getenv("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank())
            return Check.skip("mlflow", "no --mlflow or MLFLOW_TRACKING_URI: runs would not be tracked");
        if (!uri.matches("https?://[^\\s@]+"))
            return Check.fail(
                    "mlflow",
                    "'" + uri + "' is not an http(s) URL without credentials; tokens go in MLFLOW_TRACKING_TOKEN");
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpRequest.Builder rq = HttpRequest.newBuilder(
                            URI.create(uri.replaceAll("/+$", "") + "/api/2.0/mlflow/experiments/search?max_results=1"))
                    .timeout(Duration.ofSeconds(10))
                    .GET();
            String token = System.getenv("MLFLOW_TRACKING_TOKEN"); // sent, never printed
            if (token != null && !token.isBlank()) rq.header("Authorization", "Bearer " + token);
            HttpResponse<String> r = http.send(rq.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) return Check.ok("mlflow", uri + ": tracking API answers");
            return Check.fail(
                    "mlflow",
                    uri + ": HTTP " + r.statusCode() + " from the tracking API"
                            + (r.statusCode() == 401 || r.statusCode() == 403
                                    ? " (set MLFLOW_TRACKING_TOKEN)"
                                    : " (is this an MLflow server?)"));
        } catch (Exception e) {
            return Check.fail(
                    "mlflow",
                    uri + ": " + oneLine(e)
                            + " (is the server up? infra/local/mlflow.sh start, or the cluster's MLflow)");
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (e.getClass().getSimpleName() + (m == null ? "" : ": " + m))
                .replaceAll("\\s+", " ")
                .trim();
    }
}
