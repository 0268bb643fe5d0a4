package org.featmap.workers.faults;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The services of infra/local/ (S3Proxy, MLflow, the Temporal dev server), found at the addresses that
 * {@code infra/local/env.sh} prints (else its loopback defaults) and started/stopped by its scripts.
 */
final class LocalScripts implements ServiceBackend {
    @Override
    public String describe() {
        return "infra/local scripts (S3 " + s3Endpoint() + ", MLflow " + mlflowUri() + ", Temporal " + temporalTarget()
                + ")";
    }

    @Override
    public URI s3Endpoint() {
        return URI.create(FaultServices.env(
                "FEATMAP_S3_ENDPOINT", "http://127.0.0.1:" + FaultServices.env("FEATMAP_S3_PORT", "9005")));
    }

    @Override
    public URI mlflowUri() {
        return URI.create(FaultServices.env(
                "FEATMAP_MLFLOW_URI", "http://127.0.0.1:" + FaultServices.env("FEATMAP_MLFLOW_PORT", "5005")));
    }

    @Override
    public String temporalTarget() {
        return FaultServices.env(
                "FEATMAP_TEMPORAL_TARGET", "127.0.0.1:" + FaultServices.env("FEATMAP_TEMPORAL_PORT", "7233"));
    }

    @Override
    public boolean isUp(Service s) {
        return switch (s) {
            case S3 ->
                FaultServices.tcpOpen(s3Endpoint().getHost(), s3Endpoint().getPort());
            case MLFLOW -> FaultServices.httpOk(mlflowUri().resolve("/health"));
            case TEMPORAL -> {
                String t = temporalTarget();
                int c = t.lastIndexOf(':');
                yield FaultServices.tcpOpen(t.substring(0, c), Integer.parseInt(t.substring(c + 1)));
            }
        };
    }

    @Override
    public boolean start(Service s) throws Exception {
        if (isUp(s)) return true;
        // MLflow lists its artifacts from S3: mlflow.sh start refuses to run without it.
        if (s == Service.MLFLOW && !isUp(Service.S3)) script(Service.S3.script, "start");
        script(s.script, "start");
        return isUp(s);
    }

    @Override
    public boolean stop(Service s) throws Exception {
        return script(s.script, "stop");
    }

    @Override
    public String startHint(Service s) {
        return "infra/local/" + s.script + " start (install: infra/local/" + s.script
                + " install; all: infra/local/services.sh install && infra/local/services.sh start)";
    }

    @Override
    public Map<String, String> processEnv() {
        return Map.of();
    }

    /** True when infra/local's scripts report all three services installed. */
    static boolean installed() {
        try {
            return script("services.sh", "installed");
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs infra/local/SCRIPT ARG; true on exit 0. */
    static boolean script(String script, String arg) throws Exception {
        Path s = Cli.repo().resolve("infra/local").resolve(script);
        if (!s.toFile().isFile()) return false;
        Process p = new ProcessBuilder("bash", s.toString(), arg)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
