package org.featmap.ml.backbone;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneTest {
    static final Path DEMO = Path.of("..", "models", "demo");
    static final Path CONVNEXT = DEMO.resolve("convnext-atto-rand");
    static final Path SWIN = DEMO.resolve("swinv2-tiny-rand");

    @Test
    void convnextChainsStagesIntoFourLayers() throws IOException {
        try (Backbone b = Backbone.open(CONVNEXT, Device.cpu(), List.of());
                NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertEquals(
                    List.of("feat0", "feat1", "feat2", "feat3"), b.manifest().layerNames());
            Map<String, NDArray> out = b.forward(m.randomNormal(new Shape(2, 3, 288, 288)));
            assertEquals(new Shape(2, 32, 72, 72), out.get("feat0").getShape());
            assertEquals(new Shape(2, 256, 9, 9), out.get("feat3").getShape());
        }
    }

    @Test
    void singleLayerLoadsOnlyItsChain() throws IOException {
        try (Backbone b = Backbone.open(CONVNEXT, Device.cpu(), List.of("feat1"));
                NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> out = b.forward(m.zeros(new Shape(1, 3, 288, 288)));
            assertEquals(List.of("feat1"), List.copyOf(out.keySet()));
            assertEquals(new Shape(1, 64, 36, 36), out.get("feat1").getShape());
        }
    }

    @Test
    void swinIsPermutedToNchw() throws IOException {
        try (Backbone b = Backbone.open(SWIN, Device.cpu(), List.of("feat0"));
                NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray f = b.forward(m.randomNormal(new Shape(1, 3, 384, 384))).get("feat0");
            assertEquals(new Shape(1, 192, 12, 12), f.getShape());
        }
    }

    @Test
    void unknownLayerIsOneLineError() {
        BackboneException e =
                assertThrows(BackboneException.class, () -> Backbone.open(SWIN, Device.cpu(), List.of("feat3")));
        assertTrue(e.getMessage().contains("no layer 'feat3'") && e.getMessage().contains("[feat0]"), e.getMessage());
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
        return to;
    }

    @Test
    void missingCorruptOrDisagreeingModulesAreRejected(@TempDir Path tmp) throws IOException {
        Path missing = copy(CONVNEXT, tmp.resolve("missing"));
        Files.delete(missing.resolve("stage2.pt"));
        assertTrue(assertThrows(BackboneException.class, () -> BackboneManifest.load(missing))
                .getMessage()
                .contains("stage2.pt: module listed"));

        Path corrupt = copy(CONVNEXT, tmp.resolve("corrupt"));
        byte[] bytes = Files.readAllBytes(corrupt.resolve("stage1.pt"));
        bytes[bytes.length / 2] ^= 1;
        Files.write(corrupt.resolve("stage1.pt"), bytes);
        assertTrue(assertThrows(BackboneException.class, () -> BackboneManifest.load(corrupt))
                .getMessage()
                .contains("sha256"));

        Path wrong = copy(CONVNEXT, tmp.resolve("wrong"));
        String json = Files.readString(wrong.resolve("manifest.json"));
        Files.writeString(
                wrong.resolve("manifest.json"), json.replaceFirst("\"shape\": \\[\\s*32,", "\"shape\": [33,"));
        BackboneException e =
                assertThrows(BackboneException.class, () -> Backbone.open(wrong, Device.cpu(), List.of("feat0")));
        assertTrue(e.getMessage().contains("disagrees with manifest"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Path noManifest = tmp.resolve("empty");
        Files.createDirectories(noManifest);
        assertTrue(assertThrows(BackboneException.class, () -> BackboneManifest.load(noManifest))
                .getMessage()
                .contains("manifest missing"));
    }
}
