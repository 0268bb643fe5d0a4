package org.featmap.activities.tracking;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.time.Duration;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.impl.client.CloseableHttpClient;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;

/**
 * Two settings mlflow-client 2.17.2 does not offer, made on its HTTP caller before the first call:
 * <ul>
 *   <li>Timeouts. It builds its Apache HTTP client with {@code HttpClientBuilder.create()}: no connect or
 *       read timeout, so a server that accepts and never answers would hang an activity thread.
 *   <li>Its own retries. It repeats every failed request (any 4xx or 5xx but 429) three times at once,
 *       with no pause, logging "Rate limit exceeded", and 429s for up to a minute. A refused request
 *       (400: a changed param) is not worth repeating and a restarting server needs a pause:
 *       {@link MlflowTracker} retries transient faults itself, with backoff, and refusals not at all.
 * </ul>
 * The caller is replaced by one built with its own package-private constructor (provider, max 429
 * interval, first 429 sleep, attempts, HTTP client). If a newer client changes these, the tracker does
 * not start (an error names this class) rather than silently running without timeouts.
 */
final class ClientSetup {
    private ClientSetup() {}

    static void apply(MlflowClient client, MlflowHostCredsProvider creds, Duration connect, Duration read) {
        try {
            RequestConfig rc = RequestConfig.custom()
                    .setConnectTimeout((int) connect.toMillis())
                    .setConnectionRequestTimeout((int) read.toMillis())
                    .setSocketTimeout((int) read.toMillis())
                    .build();
            // the activity threads of one worker share the client (the default is 2 connections per host)
            CloseableHttpClient http = HttpClientBuilder.create()
                    .setDefaultRequestConfig(rc)
                    .setMaxConnPerRoute(16)
                    .setMaxConnTotal(32)
                    .build();
            Class<?> callerClass = Class.forName("org.mlflow.tracking.MlflowHttpCaller");
            Constructor<?> c = callerClass.getDeclaredConstructor(
                    MlflowHostCredsProvider.class, int.class, int.class, int.class, CloseableHttpClient.class);
            c.setAccessible(true);
            Object caller =
                    c.newInstance(creds, 0, 1000, 1, http); // no 429 loop, one attempt: MlflowTracker.call retries
            Field f = MlflowClient.class.getDeclaredField("httpCaller");
            f.setAccessible(true);
            f.set(client, caller);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "ClientSetup: this mlflow-client version does not have the HTTP caller it expects (" + e + ")", e);
        }
    }
}
