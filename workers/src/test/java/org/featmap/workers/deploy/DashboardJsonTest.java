package org.featmap.workers.deploy;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the dashboards of dashboards/ against what Grafana's file provisioning imports (no Grafana
 * image is reachable on the project's machines, so the dashboards are not loaded into a Grafana here):
 * the fields a provisioned dashboard must have (uid of at most 40 of [A-Za-z0-9_-], unique across files;
 * a title; panels with unique ids, a type and a grid position inside the 24-column grid), every
 * datasource reference (panels, their queries, query variables) being the variable {@code ${datasource}}
 * of a {@code datasource}-type variable of the provisioned datasource's type, so the uid is hard-coded
 * nowhere, and every {@code $variable} a query uses defined in the dashboard (or one of Grafana's own).
 */
class DashboardJsonTest {
    static final Path DIR = DeploymentManifestsTest.ROOT.resolve("dashboards");
    static final Pattern UID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    static final Pattern VAR_USE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
    /** Grafana's built-in variables a query may use. */
    static final Set<String> BUILTIN = Set.of(
            "__rate_interval",
            "__interval",
            "__interval_ms",
            "__range",
            "__range_s",
            "__range_ms",
            "__from",
            "__to",
            "__dashboard",
            "__name",
            "__org",
            "__user",
            "__timeFilter");

    static List<Path> dashboards() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The type of the datasource that provisioning/datasources sets up. */
    @SuppressWarnings("unchecked")
    static String provisionedType() throws IOException {
        Object doc = DeploymentManifestsTest.load(DIR.resolve("provisioning/datasources/prometheus.yaml"))
                .get(0);
        List<Object> sources =
                DeploymentManifestsTest.list(DeploymentManifestsTest.at(doc, "datasources"), "datasources");
        assertEquals(1, sources.size(), "one provisioned datasource");
        return String.valueOf(((Map<String, Object>) sources.get(0)).get("type"));
    }

    @Test
    void dashboardsImportAsGrafanaProvisioningReadsThem() throws IOException {
        List<Path> files = dashboards();
        assertTrue(files.size() >= 4, "dashboards: " + files);
        String dsType = provisionedType();
        ObjectMapper om = new ObjectMapper();
        Set<String> uids = new HashSet<>();
        for (Path f : files) {
            String where = f.getFileName().toString();
            JsonNode d = om.readTree(f.toFile());
            assertTrue(d.isObject(), where + ": a dashboard is a JSON object");
            String uid = d.path("uid").asText("");
            assertTrue(UID.matcher(uid).matches(), where + ": uid '" + uid + "' (at most 40 of A-Za-z0-9_-)");
            assertTrue(
                    uids.add(uid), where + ": uid " + uid + " is used by another dashboard (provisioning drops one)");
            assertFalse(d.path("title").asText("").isBlank(), where + ": no title");
            assertTrue(
                    d.path("schemaVersion").asInt() >= 36,
                    where + ": schemaVersion < 36 has string datasource references");
            assertFalse(
                    d.has("__inputs"),
                    where + ": __inputs (${DS_...}) are resolved only by the UI's import, not by provisioning");

            Set<String> defined = new HashSet<>();
            JsonNode vars = d.path("templating").path("list");
            JsonNode dsVar = null;
            for (JsonNode v : vars) {
                defined.add(v.path("name").asText());
                if (v.path("type").asText().equals("datasource")) dsVar = v;
                if (v.path("type").asText().equals("query"))
                    checkRef(where + " variable " + v.path("name").asText(), v.path("datasource"), dsType);
            }
            assertNotNull(dsVar, where + ": no variable of type datasource");
            assertEquals("datasource", dsVar.path("name").asText(), where + ": the datasource variable's name");
            assertEquals(
                    dsType,
                    dsVar.path("query").asText(),
                    where + ": the datasource variable lists " + dsVar.path("query")
                            + ", the provisioned datasource is " + dsType);

            Set<Integer> ids = new HashSet<>();
            List<String> exprs = new ArrayList<>();
            JsonNode panels = d.path("panels");
            assertTrue(panels.isArray() && panels.size() > 0, where + ": no panels");
            for (JsonNode p : panels) {
                String pw = where + " panel " + p.path("id") + " '"
                        + p.path("title").asText() + "'";
                assertTrue(
                        p.path("id").isInt() && ids.add(p.path("id").asInt()),
                        pw + ": panel ids must be unique integers");
                assertFalse(p.path("type").asText("").isBlank(), pw + ": no type");
                JsonNode g = p.path("gridPos");
                int x = g.path("x").asInt(-1),
                        w = g.path("w").asInt(0),
                        h = g.path("h").asInt(0);
                assertTrue(
                        x >= 0 && w >= 1 && x + w <= 24 && h >= 1 && g.path("y").asInt(-1) >= 0,
                        pw + ": gridPos " + g + " outside the 24-column grid");
                checkRef(pw, p.path("datasource"), dsType);
                assertTrue(p.path("targets").size() > 0, pw + ": no queries");
                for (JsonNode t : p.path("targets")) {
                    checkRef(pw + " query " + t.path("refId").asText(), t.path("datasource"), dsType);
                    assertFalse(t.path("expr").asText("").isBlank(), pw + ": empty query");
                    exprs.add(t.path("expr").asText());
                }
            }
            for (JsonNode v : vars)
                if (v.has("query") && v.path("query").isTextual())
                    exprs.add(v.path("query").asText());
            for (String e : exprs) {
                Matcher m = VAR_USE.matcher(e);
                while (m.find()) {
                    String name = m.group(1);
                    assertTrue(
                            defined.contains(name) || BUILTIN.contains(name),
                            where + ": query uses $" + name + ", not defined: " + e);
                }
            }
        }
    }

    /** A datasource reference is {type: the provisioned type, uid: ${datasource}}: no uid is hard-coded. */
    static void checkRef(String where, JsonNode ref, String dsType) {
        assertTrue(ref.isObject(), where + ": datasource reference " + ref + " (an object {type, uid})");
        assertEquals(dsType, ref.path("type").asText(), where + ": datasource type");
        assertEquals(
                "${datasource}",
                ref.path("uid").asText(),
                where + ": datasource uid must be the variable ${datasource}, not a fixed uid");
    }
}
