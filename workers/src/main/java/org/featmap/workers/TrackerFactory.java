package org.featmap.workers;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.featmap.activities.store.S3Clients;
import org.featmap.activities.tracking.MlflowTracker;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Builds the MLflow tracker (token and S3 keys from the environment only). */
final class TrackerFactory {
    private TrackerFactory() {}

    /** @param from where the URI came from (for the error message) */
    static Tracking mlflow(String uri, String from) {
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(from + ": bad MLflow tracking URI '" + uri + "': " + e.getReason()
                    + " (allowed: http(s)://host:port)");
        }
        MlflowTracker t;
        try {
            t = MlflowTracker.fromEnvironment(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + ": " + e.getMessage());
        }
        try {
            t.checkServer();
        } catch (IllegalArgumentException e) {
            t.close();
            throw new IllegalArgumentException(e.getMessage() + " (from " + from + ")");
        }
        return new Tracking(t, "tracking: MLflow at " + u);
    }

    /**
     * The local server of infra/local/: its artifacts live in the local S3 server, reached with the
     * local keys of env.sh whatever AWS keys this process has (those may belong to the sweep's store).
     */
    static Tracking local(LocalMlflow.Server server, double startSeconds) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MLFLOW_S3_ENDPOINT_URL", server.env().getOrDefault("MLFLOW_S3_ENDPOINT_URL", ""));
        String region = server.env().getOrDefault("AWS_REGION", "us-east-1");
        env.put("AWS_REGION", region);
        var s3 = S3Clients.create(
                URI.create(env.get("MLFLOW_S3_ENDPOINT_URL")),
                region,
                true,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        server.env().getOrDefault("AWS_ACCESS_KEY_ID", ""),
                        server.env().getOrDefault("AWS_SECRET_ACCESS_KEY", ""))));
        String how = startSeconds >= 1 ? String.format("started in %.0f s", startSeconds) : "already running";
        return new Tracking(
                new MlflowTracker(server.uri(), env, s3, "featmap"),
                "tracking: local MLflow of infra/local at " + server.uri() + " (" + how
                        + "; pass --mlflow URI for another)");
    }
}
