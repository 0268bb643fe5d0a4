package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.config.SweepConfig;
import org.junit.jupiter.api.Test;

/** Issue #17 item 4: the client reads each backbone's family from its export's manifest; the sweep's id ignores it. */
class FingerprintsTest {
    @Test
    void familiesComeFromTheManifestsAndLeaveTheSweepIdAlone() throws Exception {
        SweepConfig demo = ConfigLoader.load(Path.of("../config/demo.yaml"), new EnvExpander(Map.of()));
        // the demo's exports are relative to the repository root (where featmap runs); tests run in workers/
        var backbones = demo.backbones().stream()
                .map(b -> new SweepConfig.Backbone(
                        b.name(), Path.of("..").resolve(b.export()).toString(), b.layers(), b.normalize()))
                .toList();
        SweepConfig cfg = new SweepConfig(
                demo.sourceFile(),
                demo.sweep(),
                demo.datasets(),
                demo.images(),
                backbones,
                demo.features(),
                demo.training(),
                demo.test(),
                demo.reconstruct(),
                demo.classify(),
                demo.analysis(),
                demo.report(),
                demo.tracking());
        Map<String, String> fp = Fingerprints.of(cfg);
        assertEquals("convnext", fp.get("family:convnext"));
        assertEquals("swinv2", fp.get("family:swinv2"));
        assertTrue(fp.get("backbone:convnext").matches("[0-9a-f]{64}"));
        var id = Fingerprints.identity(fp);
        assertFalse(
                id.keySet().stream().anyMatch(k -> k.startsWith("family:") || k.startsWith("featinv:")), id.toString());
        assertEquals(fp.get("backbone:convnext"), id.get("backbone:convnext"));
    }
}
