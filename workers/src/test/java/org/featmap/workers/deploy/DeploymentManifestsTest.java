package org.featmap.workers.deploy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Parses every compose, Kubernetes and provisioning YAML of the repository and checks the deployment
 * invariants: GPU pods request a GPU and are pinned to GPU nodes, probes exist, no secret value is
 * written inline, and a stopping worker has at least twice the heartbeat timeout to drain.
 */
class DeploymentManifestsTest {
    static final Path ROOT = repoRoot();
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|PWD|KEY).*");

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("infra"))) p = p.getParent();
        if (p == null)
            throw new IllegalStateException(
                    "no infra/ folder above " + Path.of("").toAbsolutePath());
        return p;
    }

    static List<Object> load(Path f) throws IOException {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(false);
        List<Object> docs = new ArrayList<>();
        for (Object d : new Yaml(o).loadAll(Files.readString(f))) if (d != null) docs.add(d);
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String where) {
        assertTrue(o instanceof Map, where + ": expected a mapping, found " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String where) {
        assertTrue(o instanceof List, where + ": expected a list, found " + o);
        return (List<Object>) o;
    }

    static Object at(Object o, String path) {
        Object cur = o;
        for (String k : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = m.get(k);
        }
        return cur;
    }

    /**
     * The longest heartbeat timeout a deployment must outlast: the sweep configs' (the timeout travels with
     * each activity from the config; no deployment setting changes it).
     */
    static int heartbeatSeconds() throws IOException {
        int hb = 60; // ConfigLoader's default heartbeat_seconds
        try (Stream<Path> s = Files.list(ROOT.resolve("config"))) {
            for (Path c : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Object v = at(load(c).get(0), "sweep.heartbeat_seconds");
                if (v instanceof Integer i) hb = Math.max(hb, i);
            }
        }
        return hb;
    }

    static List<Path> yamlFiles() throws IOException {
        List<Path> l = new ArrayList<>();
        for (String dir : List.of("infra", "dashboards/provisioning")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted()
                        .forEach(l::add);
            }
        }
        return l;
    }

    @Test
    void everyYamlParses() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 10, "found only " + files);
        for (Path f : files) assertFalse(load(f).isEmpty(), f + " is empty");
    }

    @Test
    void kubernetesWorkerPools() throws IOException {
        int hb = heartbeatSeconds();
        Map<String, Object> kustom =
                map(load(ROOT.resolve("infra/k8s/kustomization.yaml")).get(0), "kustomization");
        List<String> resources = list(kustom.get("resources"), "resources").stream()
                .map(Object::toString)
                .toList();
        int deployments = 0;
        boolean gpuPool = false;
        for (String r : resources) {
            Path f = ROOT.resolve("infra/k8s").resolve(r);
            assertTrue(Files.exists(f), "kustomization.yaml lists missing " + r);
            for (Object doc : load(f)) {
                Map<String, Object> d = map(doc, r);
                String kind = String.valueOf(d.get("kind"));
                if (kind.equals("ConfigMap")) {
                    for (String k : map(d.get("data"), r + " data").keySet())
                        assertFalse(
                                SECRET_NAME.matcher(k).matches(),
                                r + ": ConfigMap key " + k + " looks like a secret; put it in the Secret");
                }
                if (kind.equals("Secret"))
                    fail(r + ": a Secret with values is committed; create it from a file instead");
                if (!kind.equals("Deployment")) continue;
                deployments++;
                String name = String.valueOf(at(d, "metadata.name"));
                Map<String, Object> pod = map(at(d, "spec.template.spec"), name + " pod spec");
                Object grace = pod.get("terminationGracePeriodSeconds");
                assertTrue(
                        grace instanceof Integer g && g >= 2 * hb,
                        name + ": terminationGracePeriodSeconds " + grace + " < 2 x heartbeat " + hb);
                assertEquals(
                        "true",
                        String.valueOf(map(at(d, "spec.template.metadata.annotations"), name + " annotations")
                                .get("prometheus.io/scrape")),
                        name + ": pods need the prometheus.io/scrape annotation");
                boolean wantsGpu = false;
                for (Object co : list(pod.get("containers"), name + " containers")) {
                    Map<String, Object> c = map(co, name + " container");
                    assertNotNull(at(c, "livenessProbe.httpGet"), name + ": no HTTP livenessProbe");
                    assertNotNull(at(c, "readinessProbe.httpGet"), name + ": no HTTP readinessProbe");
                    assertEquals(
                            "metrics",
                            String.valueOf(at(c, "livenessProbe.httpGet.port")),
                            name + ": probe not on the metrics port");
                    checkEnv(name, c.get("env"));
                    String args = String.valueOf(c.get("args"));
                    wantsGpu |= args.contains("gpu");
                    Object req = at(c, "resources.requests");
                    Object lim = at(c, "resources.limits");
                    boolean requestsGpu = req instanceof Map<?, ?> rq
                            && "1".equals(String.valueOf(rq.get("nvidia.com/gpu")))
                            && lim instanceof Map<?, ?> lm
                            && "1".equals(String.valueOf(lm.get("nvidia.com/gpu")));
                    assertEquals(
                            args.contains("gpu"),
                            requestsGpu,
                            name + ": a GPU queue's pod requests (and limits) nvidia.com/gpu: 1, other pods none");
                }
                if (!wantsGpu) continue;
                gpuPool = true;
                List<Object> terms = list(
                        at(
                                pod,
                                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"),
                        name + " required nodeAffinity");
                assertFalse(terms.isEmpty(), name + ": GPU pool not pinned to nodes");
                for (Object t : terms)
                    for (Object e : list(at(t, "matchExpressions"), name + " matchExpressions")) {
                        assertFalse(String.valueOf(at(e, "key")).isBlank(), name + ": node label key");
                        assertFalse(
                                list(at(e, "values"), name + " label values").isEmpty(), name + ": node label values");
                    }
                assertTrue(
                        list(pod.get("tolerations"), name + " tolerations").stream()
                                .anyMatch(t -> "nvidia.com/gpu".equals(at(t, "key"))),
                        name + ": no toleration for nvidia.com/gpu");
            }
        }
        assertTrue(deployments >= 3, "a Deployment per pool (cpu, gpu, edit); found " + deployments);
        assertTrue(gpuPool, "no GPU pool");

        Map<String, Object> scaled =
                map(load(ROOT.resolve("infra/k8s/scaledobject-cpu.yaml")).get(0), "ScaledObject");
        assertEquals("featmap-worker-cpu", at(scaled, "spec.scaleTargetRef.name"));
        Object trig = list(at(scaled, "spec.triggers"), "triggers").get(0);
        assertEquals("temporal", at(trig, "type"));
        assertEquals("featmap-cpu", at(trig, "metadata.taskQueue"));
    }

    static void checkEnv(String where, Object env) {
        if (env == null) return;
        for (Object o : list(env, where + " env")) {
            Map<String, Object> e = map(o, where + " env entry");
            String n = String.valueOf(e.get("name"));
            if (!SECRET_NAME.matcher(n).matches()) continue;
            assertNull(e.get("value"), where + ": env " + n + " has an inline value; use valueFrom.secretKeyRef");
            assertNotNull(
                    at(e, "valueFrom.secretKeyRef.name"), where + ": env " + n + " must come from a secretKeyRef");
        }
    }

    @Test
    void composeStack() throws IOException {
        int hb = heartbeatSeconds();
        Map<String, Object> compose =
                map(load(ROOT.resolve("infra/compose.yaml")).get(0), "compose.yaml");
        Map<String, Object> services = map(compose.get("services"), "services");
        for (String s : List.of("s3", "temporal", "mlflow", "prometheus", "grafana", "worker-cpu", "worker-gpu"))
            assertTrue(services.containsKey(s), "compose.yaml: no service " + s);
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> svc = map(e.getValue(), e.getKey());
            Object env = svc.get("environment");
            if (env instanceof Map<?, ?> m) {
                for (Object k : m.keySet())
                    assertFalse(
                            SECRET_NAME.matcher(k.toString()).matches(),
                            e.getKey() + ": environment " + k + " is inline; secrets come from env_file (.env)");
            } else if (env instanceof List<?> l) {
                for (Object k : l)
                    assertFalse(SECRET_NAME.matcher(k.toString().split("=")[0]).matches(), e.getKey() + ": " + k);
            }
            if (!e.getKey().startsWith("worker-")) continue;
            assertEquals(
                    "${FEATMAP_ENV_FILE:-.env}",
                    String.valueOf(svc.get("env_file")),
                    e.getKey() + ": credentials through env_file .env (infra/docker/test.sh names its own)");
            assertNotNull(at(svc, "healthcheck.test"), e.getKey() + ": no healthcheck");
            String grace = String.valueOf(svc.get("stop_grace_period"));
            assertTrue(
                    grace.matches("\\d+s") && Integer.parseInt(grace.replace("s", "")) >= 2 * hb,
                    e.getKey() + ": stop_grace_period " + grace + " < 2 x heartbeat " + hb);
            assertEquals(
                    "9464", String.valueOf(at(svc, "environment.FEATMAP_METRICS_PORT")), e.getKey() + ": metrics port");
        }
        Map<String, Object> gpu = map(services.get("worker-gpu"), "worker-gpu");
        Object dev = list(at(gpu, "deploy.resources.reservations.devices"), "worker-gpu devices")
                .get(0);
        assertEquals("nvidia", at(dev, "driver"));
        assertTrue(list(at(dev, "capabilities"), "capabilities").contains("gpu"));
        assertTrue(String.valueOf(gpu.get("command")).contains("gpu"), "the GPU worker serves a GPU queue");
        assertTrue(
                Files.readString(ROOT.resolve(String.valueOf(at(gpu, "build.dockerfile"))))
                        .contains("FROM ${CUDA_IMAGE}"),
                "GPU image on the CUDA base");

        // Prometheus scrapes the workers; Grafana gets the dashboards folder
        String prom = Files.readString(ROOT.resolve("infra/prometheus/prometheus.yml"));
        assertTrue(prom.contains("worker-cpu") && prom.contains("worker-gpu") && prom.contains("9464"));
        assertTrue(String.valueOf(at(services.get("grafana"), "volumes")).contains("../dashboards:"));
    }

    @Test
    void envExampleHoldsOnlyPlaceholders() throws IOException {
        for (String line : Files.readAllLines(ROOT.resolve("infra/.env.example"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] kv = line.split("=", 2);
            if (SECRET_NAME.matcher(kv[0]).matches() && !kv[0].equals("AWS_ACCESS_KEY_ID"))
                assertTrue(
                        kv[1].isEmpty() || kv[1].startsWith("change-me"),
                        ".env.example: " + kv[0] + " is not a placeholder");
        }
        assertTrue(
                Files.readString(ROOT.resolve("infra/.gitignore")).lines().anyMatch(".env"::equals),
                "infra/.env is git-ignored");
    }

    /**
     * Every ConfigMap key is read by someone: a Deployment's args ($(KEY)), the project's code (the name as
     * a string literal in a src/main Java file) or the AWS SDK, which reads its standard variables itself.
     * A key nobody reads (FEATMAP_HEARTBEAT_SECONDS was one) makes an operator believe a setting works.
     */
    @Test
    void everyConfigMapKeyIsRead() throws IOException {
        Set<String> sdk = Set.of("AWS_REGION", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        StringBuilder args = new StringBuilder();
        try (Stream<Path> s = Files.list(ROOT.resolve("infra/k8s"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).toList()) args.append(Files.readString(f));
        }
        StringBuilder code = new StringBuilder();
        for (String m : List.of("core", "ml", "activities", "workflows", "workers")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(m).resolve("src/main"))) {
                for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) code.append(Files.readString(f));
            }
        }
        Map<String, Object> data =
                map(at(load(ROOT.resolve("infra/k8s/configmap.yaml")).get(0), "data"), "configmap data");
        for (String k : data.keySet())
            assertTrue(
                    sdk.contains(k)
                            || args.toString().contains("$(" + k + ")")
                            || code.toString().contains("\"" + k + "\""),
                    "configmap.yaml: " + k + " is read by no code, no manifest's args and not by the AWS SDK");
    }

    static final Pattern IMAGE_REF = Pattern.compile("^[a-z0-9./_-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$");

    /** An image reference with a tag that names a version: not missing, not latest. */
    static void assertVersionTag(String where, String image) {
        String img = image;
        // compose: ${VAR:-default} keeps the default as what users get
        Matcher m = Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]+)}").matcher(img);
        img = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        assertTrue(IMAGE_REF.matcher(img).matches(), where + ": image reference '" + image + "'");
        int colon = img.lastIndexOf(':');
        assertTrue(colon > img.lastIndexOf('/'), where + ": image " + image + " has no tag (would be latest)");
        String tag = img.substring(colon + 1);
        assertFalse(
                tag.equals("latest") || tag.matches("\\d+|stable|main|edge"),
                where + ": image " + image + " is not tagged by a version");
        assertTrue(tag.matches(".*\\d+\\.\\d+.*"), where + ": image tag " + tag + " names no version");
    }

    @Test
    void imagesAreTaggedByVersion() throws IOException {
        String version = DeploymentManifestsTest.projectVersion();
        for (String r : List.of("worker-cpu.yaml", "worker-gpu-l40.yaml", "worker-edit.yaml"))
            for (Object doc : load(ROOT.resolve("infra/k8s").resolve(r)))
                for (Object c : list(at(doc, "spec.template.spec.containers"), r + " containers")) {
                    String image = String.valueOf(at(c, "image"));
                    assertVersionTag(r, image);
                    assertTrue(
                            image.endsWith(":" + version),
                            r + ": " + image + " is not the project's version " + version);
                }
        Map<String, Object> kustom =
                map(load(ROOT.resolve("infra/k8s/kustomization.yaml")).get(0), "kustomization");
        for (Object i : list(kustom.get("images"), "images"))
            assertEquals(version, String.valueOf(at(i, "newTag")), "kustomization.yaml: newTag of " + at(i, "name"));
        Map<String, Object> services = map(
                map(load(ROOT.resolve("infra/compose.yaml")).get(0), "compose").get("services"), "services");
        for (Map.Entry<String, Object> e : services.entrySet())
            assertVersionTag("compose.yaml " + e.getKey(), String.valueOf(at(e.getValue(), "image")));
    }

    static String projectVersion() throws IOException {
        Matcher m =
                Pattern.compile("(?m)^  <version>([^<]+)</version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find(), "pom.xml: no project version");
        return m.group(1);
    }

    /**
     * The Dockerfiles: every base image is a build arg whose default is a public image tagged by version
     * (infra/docker/build.sh passes local ones), JVMs that touch feature stores open java.nio for Arrow
     * (docs/NOTES.md), and MLflow is the version the tests run (infra/local/lib.sh).
     */
    @Test
    void dockerfilesTakeTheirBasesAsArgs() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ROOT.resolve("infra/docker"))) {
            files = s.filter(p -> p.toString().endsWith(".Dockerfile")).sorted().toList();
        }
        assertTrue(files.size() >= 6, "Dockerfiles: " + files);
        Pattern from = Pattern.compile("(?m)^FROM\\s+(\\S+)(\\s+AS\\s+(\\S+))?");
        for (Path f : files) {
            String t = Files.readString(f), where = f.getFileName().toString();
            Set<String> stages = new java.util.HashSet<>();
            Matcher m = from.matcher(t);
            while (m.find()) {
                String base = m.group(1);
                if (m.group(3) != null) stages.add(m.group(3));
                if (stages.contains(base) && !base.equals(m.group(3))) continue; // an earlier stage
                Matcher arg = Pattern.compile("^\\$\\{([A-Z_]+)}$").matcher(base);
                assertTrue(arg.matches(), where + ": FROM " + base + " is not a build arg");
                Matcher def =
                        Pattern.compile("(?m)^ARG " + arg.group(1) + "=(\\S+)$").matcher(t);
                assertTrue(def.find(), where + ": ARG " + arg.group(1) + " has no default");
                if (where.equals("local-base.Dockerfile")
                        || where.equals("temporal.Dockerfile") && arg.group(1).equals("TEMPORAL_SOURCE")) continue;
                assertVersionTag(where + " ARG " + arg.group(1), def.group(1));
            }
            if (where.startsWith("worker-")) {
                assertTrue(
                        t.contains("\"--add-opens=java.base/java.nio=ALL-UNNAMED\""),
                        where + ": the JVM needs --add-opens=java.base/java.nio=ALL-UNNAMED (Arrow)");
            }
        }
        Matcher local = Pattern.compile("MLFLOW_VERSION=\"\\$\\{FEATMAP_MLFLOW_VERSION:-([^}]+)}\"")
                .matcher(Files.readString(ROOT.resolve("infra/local/lib.sh")));
        assertTrue(local.find(), "infra/local/lib.sh: MLFLOW_VERSION");
        assertTrue(
                Files.readString(ROOT.resolve("infra/docker/mlflow.Dockerfile"))
                        .contains("ARG MLFLOW_VERSION=" + local.group(1) + "\n"),
                "mlflow.Dockerfile: MLflow " + local.group(1) + " as infra/local and the tests");
        assertTrue(
                Files.readString(ROOT.resolve("infra/compose.yaml"))
                        .contains("MLFLOW_VERSION:-" + local.group(1) + "}"),
                "compose.yaml: MLflow " + local.group(1));
    }
}
