package org.featmap.ml.backbone;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featmap.core.store.Sha256;

/**
 * The {@code manifest.json} written by {@code python/export_backbone.py}: which TorchScript modules
 * make up a backbone, how to chain them into each stored layer, and the eval preprocessing (spec §3.2).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackboneManifest(
        @JsonProperty("manifest_version") int manifestVersion,
        @JsonProperty("timm_id") String timmId,
        @JsonProperty("timm_kwargs") Map<String, Object> timmKwargs,
        @JsonProperty("family") String family,
        @JsonProperty("input_size") int inputSize,
        @JsonProperty("crop") int crop,
        @JsonProperty("interpolation") String interpolation,
        @JsonProperty("mean") double[] mean,
        @JsonProperty("std") double[] std,
        @JsonProperty("weights") String weights,
        @JsonProperty("weights_sha256") String weightsSha256,
        @JsonProperty("torch_version") String torchVersion,
        @JsonProperty("modules") List<ModuleEntry> modules,
        @JsonProperty("layers") List<LayerEntry> layers) {

    public static final String FILE_NAME = "manifest.json";

    /** One TorchScript file; {@code outputShape} excludes the batch dimension, in {@code outputLayout}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModuleEntry(
            @JsonProperty("file") String file,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("input") String input,
            @JsonProperty("output_shape") List<Integer> outputShape,
            @JsonProperty("output_layout") String outputLayout) {}

    /**
     * One stored layer: produced by running the modules of {@code chain} in order; {@code shape} is
     * [C, H, W] as stored (NCHW); {@code moduleLayout} NHWC means the last module returns NHWC (SwinV2).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LayerEntry(
            @JsonProperty("name") String name,
            @JsonProperty("module") String module,
            @JsonProperty("chain") List<String> chain,
            @JsonProperty("shape") List<Integer> shape,
            @JsonProperty("layout") String layout,
            @JsonProperty("module_layout") String moduleLayout) {
        public boolean nhwc() {
            return "NHWC".equals(moduleLayout);
        }

        public int[] chw() {
            return new int[] {shape.get(0), shape.get(1), shape.get(2)};
        }
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads and validates {@code dir/manifest.json} and the sha256 of every module file. */
    public static BackboneManifest load(Path dir) throws IOException {
        BackboneManifest m = read(dir);
        Path file = dir.resolve(FILE_NAME);
        for (ModuleEntry mod : m.modules) {
            Path p = dir.resolve(mod.file());
            String sha = Sha256.ofFile(p);
            if (!sha.equals(mod.sha256()))
                throw new BackboneException(
                        p + ": sha256 " + sha + " != manifest " + mod.sha256() + " (corrupt or replaced module)");
        }
        return m;
    }

    /**
     * Reads and validates {@code dir/manifest.json} and that every module file it names exists, without hashing
     * them (a check before a sweep starts; {@link #load} verifies the bytes when a stage opens the backbone).
     */
    public static BackboneManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file))
            throw new BackboneException(
                    file + ": backbone manifest missing (export it with python/export_backbone.py)");
        BackboneManifest m;
        try {
            m = JSON.readValue(file.toFile(), BackboneManifest.class);
        } catch (IOException e) {
            throw new BackboneException(file + ": not a valid backbone manifest: " + firstLine(e.getMessage()));
        }
        m.validate(file);
        for (ModuleEntry mod : m.modules) {
            Path p = dir.resolve(mod.file());
            if (!Files.isRegularFile(p)) throw new BackboneException(p + ": module listed in " + file + " is missing");
        }
        return m;
    }

    private void validate(Path file) {
        if (manifestVersion != 1)
            throw new BackboneException(file + ": manifest_version " + manifestVersion + ", supported: 1");
        if (inputSize <= 0 || crop <= 0 || crop > inputSize)
            throw new BackboneException(
                    file + ": input_size " + inputSize + " / crop " + crop + " invalid (need 0 < crop <= input_size)");
        if (!"bilinear".equals(interpolation))
            throw new BackboneException(
                    file + ": interpolation '" + interpolation + "', allowed: bilinear (spec §3.2)");
        if (mean == null || mean.length != 3 || std == null || std.length != 3)
            throw new BackboneException(file + ": mean/std must have 3 values");
        if (modules == null || modules.isEmpty()) throw new BackboneException(file + ": no modules");
        if (layers == null || layers.isEmpty()) throw new BackboneException(file + ": no layers");
        for (LayerEntry l : layers) {
            if (l.shape() == null || l.shape().size() != 3)
                throw new BackboneException(
                        file + ": layer " + l.name() + " shape " + l.shape() + ", expected [C, H, W]");
            if (l.chain() == null || l.chain().isEmpty())
                throw new BackboneException(file + ": layer " + l.name() + " has an empty chain");
            for (String c : l.chain())
                if (module(c) == null)
                    throw new BackboneException(file + ": layer " + l.name() + " chains unknown module " + c);
        }
    }

    public ModuleEntry module(String fileName) {
        for (ModuleEntry m : modules) if (m.file().equals(fileName)) return m;
        return null;
    }

    /** The layer called {@code name}, or a one-line error listing the layers this backbone has. */
    public LayerEntry layer(String name) {
        for (LayerEntry l : layers) if (l.name().equals(name)) return l;
        throw new BackboneException("backbone " + timmId + " has no layer '" + name + "', it has " + layerNames());
    }

    public List<String> layerNames() {
        return layers.stream().map(LayerEntry::name).toList();
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
