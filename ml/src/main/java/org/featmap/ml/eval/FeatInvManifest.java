package org.featmap.ml.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The manifest python/export_featinv.py writes next to a FeatInv TorchScript export (spec §7.4,
 * §12.1): which backbone layer the reconstructor inverts, the files of the ε-network
 * (ControlNet + UNet), the VAE decoder and the two constant CLIP contexts (raw little-endian float32),
 * and the shapes Java needs. Paths are relative to the manifest's directory.
 */
public record FeatInvManifest(
        int formatVersion,
        String backbone,
        String featureKey,
        List<Integer> featureShape,
        List<Integer> latentShape,
        List<Integer> contextShape,
        int imageSize,
        double scaleFactor,
        int tracedBatch,
        String epsFile,
        String decoderFile,
        String condContextFile,
        String uncondContextFile,
        String conditionalPrompt,
        String checkpointSha256,
        String torchVersion) {

    public static final int FORMAT_VERSION = 1;

    public static FeatInvManifest read(Path manifestJson) throws IOException {
        if (!Files.isRegularFile(manifestJson)) throw new IOException("FeatInv manifest not found: " + manifestJson);
        FeatInvManifest m = new ObjectMapper().readValue(manifestJson.toFile(), FeatInvManifest.class);
        if (m.formatVersion() != FORMAT_VERSION)
            throw new IOException(manifestJson + ": formatVersion " + m.formatVersion() + " is not supported (expected "
                    + FORMAT_VERSION + ")");
        for (String f : List.of(m.epsFile(), m.decoderFile(), m.condContextFile(), m.uncondContextFile()))
            if (!Files.isRegularFile(manifestJson.resolveSibling(f)))
                throw new IOException(manifestJson + ": file '" + f + "' named by the manifest does not exist");
        return m;
    }

    public void write(Path manifestJson) throws IOException {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(manifestJson.toFile(), this);
    }

    /**
     * Fails with a one-line message when this export does not invert the given layer (issue #6 bad
     * input: "a FeatInv export whose manifest does not match the layer being evaluated").
     */
    public void requireLayer(String backbone, String featureKey, int c, int h, int w) {
        List<Integer> want = List.of(c, h, w);
        if (!this.backbone.equals(backbone) || !this.featureKey.equals(featureKey) || !featureShape.equals(want))
            throw new IllegalArgumentException("FeatInv export is for " + this.backbone + "/" + this.featureKey + " "
                    + featureShape + " but the evaluated layer is " + backbone + "/" + featureKey + " " + want);
    }

    /** Reads one of the raw float32 context files (shape {@link #contextShape}). */
    public float[] readContext(Path manifestJson, String file) throws IOException {
        byte[] bytes = Files.readAllBytes(manifestJson.resolveSibling(file));
        int n = contextShape.stream().reduce(1, (a, b) -> a * b);
        if (bytes.length != n * 4)
            throw new IOException(
                    file + ": " + bytes.length + " bytes, expected " + n * 4 + " for float32 " + contextShape);
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public long[] contextShapeArray() {
        return contextShape.stream().mapToLong(Integer::longValue).toArray();
    }

    @Override
    public String toString() {
        return "FeatInvManifest[" + backbone + "/" + featureKey + " " + featureShape + ", latent " + latentShape
                + ", image " + imageSize + ", files " + Arrays.asList(epsFile, decoderFile) + "]";
    }
}
