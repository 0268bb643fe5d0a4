package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.featmap.activities.store.S3Clients;
import org.featmap.workers.faults.ServiceBackend.Service;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * Issue #8 item 3: take the object store (the local S3 server) away mid-sweep with an {@code s3://}
 * store: activities fail, Temporal retries them, and once the server is back the sweep completes
 * with every node committed.
 */
class ObjectStoreOutageIT {
    @Test
    void sweepOnS3CompletesAcrossAnS3Outage() throws Exception {
        URI endpoint = FaultServices.requireS3();
        ServiceBackend services = FaultServices.backend();
        Map<String, String> creds = Map.of(
                "AWS_ACCESS_KEY_ID", FaultServices.env("AWS_ACCESS_KEY_ID", "featmap-local"),
                "AWS_SECRET_ACCESS_KEY", FaultServices.env("AWS_SECRET_ACCESS_KEY", "featmap-local-secret"),
                "AWS_REGION", "us-east-1");
        Path dir = Cli.workDir("s3-outage");
        String prefix = "faults/outage-" + System.currentTimeMillis();
        String store = "s3://featmap/" + prefix + "?endpoint=" + endpoint + "&pathStyle=true";
        Path cfg = TinySweep.write(dir, "outage", dir.resolve("unused-store"), 16, 40);
        Path log = dir.resolve("run.log");
        long t0 = System.nanoTime();
        Process run = Cli.start(List.of("run", cfg.toString(), "--store", store, "--quiet"), creds, log);
        try (S3Client s3 = S3Clients.create(
                endpoint,
                "us-east-1",
                true,
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                creds.get("AWS_ACCESS_KEY_ID"), creds.get("AWS_SECRET_ACCESS_KEY"))))) {
            Distributed.await(
                    "the first committed nodes on S3",
                    Duration.ofMinutes(3),
                    Duration.ofMillis(200),
                    () -> manifests(s3, prefix) >= 2 || !run.isAlive());
            assertTrue(run.isAlive(), "the sweep ended before the outage: " + Cli.tail(log));
            int before = manifests(s3, prefix);
            assertTrue(services.stop(Service.S3), "stopping S3 failed");
            long down = System.nanoTime();
            Thread.sleep(15_000);
            assertTrue(services.start(Service.S3), "starting S3 again failed");
            double outage = (System.nanoTime() - down) / 1e9;
            if (!run.waitFor(3, TimeUnit.MINUTES)) {
                run.destroyForcibly();
                fail("the sweep did not finish within 3 minutes after S3 came back: " + Cli.tail(log));
            }
            assertEquals(0, run.exitValue(), Cli.tail(log));
            int[] ch = Cli.computedAndHits(log);
            assertEquals(6, ch[0] + ch[1], Cli.tail(log));
            assertEquals(6, manifests(s3, prefix), "every node is committed on S3");
            System.out.printf(
                    "ObjectStoreOutageIT: S3 down %.1f s after %d of 6 nodes were committed; sweep completed in %.1f s%n",
                    outage, before, (System.nanoTime() - t0) / 1e9);
        } finally {
            if (run.isAlive()) run.destroyForcibly();
            services.start(Service.S3);
        }
    }

    static int manifests(S3Client s3, String prefix) {
        try {
            return (int) s3
                    .listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket("featmap")
                            .prefix(prefix + "/")
                            .build())
                    .contents()
                    .stream()
                    .filter(o -> o.key().endsWith("/manifest.json"))
                    .count();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
