package org.featmap.workers.faults;

import java.net.URI;
import java.util.Map;

/**
 * Where the fault tests' real services (S3, MLflow, Temporal) come from: infra/local's scripts
 * ({@link LocalScripts}) or containers from the services' public images ({@link Containers}).
 * {@link ServiceBackends#get()} picks one by what this machine has; the tests only see endpoints and
 * start/stop, so an outage test takes a service away the same way on either.
 */
interface ServiceBackend {
    enum Service {
        S3("s3.sh"),
        MLFLOW("mlflow.sh"),
        TEMPORAL("temporal.sh");

        /** The infra/local script of this service. */
        final String script;

        Service(String script) {
            this.script = script;
        }
    }

    /** One line for logs: which backend and where its services are. */
    String describe();

    /** The S3 endpoint as the host sees it, e.g. http://127.0.0.1:9005. */
    URI s3Endpoint();

    /** The MLflow tracking server as the host sees it. */
    URI mlflowUri();

    /** HOST:PORT of the Temporal frontend. */
    String temporalTarget();

    /** Whether the service answers now. */
    boolean isUp(Service s);

    /** Starts the service if it is down; true when it answers afterwards. */
    boolean start(Service s) throws Exception;

    /** Takes the service away (its data survives for the next start); true on success. */
    boolean stop(Service s) throws Exception;

    /** What a person runs to make the service available (for one-line skip/fail messages). */
    String startHint(Service s);

    /**
     * Variables a {@code featmap} process needs to reach these services. Empty for the local scripts:
     * {@code featmap} finds infra/local's MLflow by itself, which MlflowUiIT checks.
     */
    Map<String, String> processEnv();
}
