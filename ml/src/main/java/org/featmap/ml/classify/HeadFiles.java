package org.featmap.ml.classify;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A fine-tuned head on disk: {@code head.params} (DJL block parameters), {@code head.safetensors}
 * (timm key names {@code head.norm.*}, {@code head.fc.*}) and {@code head.json} (this sidecar).
 */
public final class HeadFiles {
    private HeadFiles() {}

    public static final String PARAMS = "head.params";
    public static final String SAFETENSORS = "head.safetensors";
    public static final String SIDECAR = "head.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What a head is and how it was trained. {@code referenceName} is the reference's checkpoint name
     * (spec §8.1), {@code backboneSha256} the backbone weights it was trained on.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sidecar(
            @JsonProperty("family") String family,
            @JsonProperty("backbone") String backbone,
            @JsonProperty("backbone_sha256") String backboneSha256,
            @JsonProperty("input_layer") String inputLayer,
            @JsonProperty("channels") int channels,
            @JsonProperty("num_classes") int numClasses,
            @JsonProperty("norm") boolean norm,
            @JsonProperty("norm_eps") double normEps,
            @JsonProperty("drop_rate") double dropRate,
            @JsonProperty("classes") List<String> classes,
            @JsonProperty("augmented") boolean augmented,
            @JsonProperty("best_epoch") int bestEpoch,
            @JsonProperty("best_val_top1") double bestValTop1,
            @JsonProperty("reference_name") String referenceName) {}

    static void write(Path dir, ClassifierHead head, Sidecar sidecar) throws IOException {
        Files.createDirectories(dir);
        atomic(dir.resolve(PARAMS), os -> {
            DataOutputStream d = new DataOutputStream(os);
            head.saveParameters(d);
            d.flush();
        });
        NDList named = head.namedArrays();
        atomic(dir.resolve(SAFETENSORS), os -> named.encode(os, NDList.Encoding.SAFETENSORS));
        atomic(dir.resolve(SIDECAR), os -> JSON.writeValue(os, sidecar));
    }

    public static Sidecar readSidecar(Path dir) throws IOException {
        Path f = dir.resolve(SIDECAR);
        if (!Files.isRegularFile(f))
            throw new IllegalArgumentException(f + ": head sidecar missing (run the finetune stage first)");
        try {
            return JSON.readValue(f.toFile(), Sidecar.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not a head sidecar: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Loads the head of {@code dir} onto {@code manager} (DJL params, checked against the sidecar). */
    public static ClassifierHead load(Path dir, NDManager manager) throws IOException {
        Sidecar s = readSidecar(dir);
        ClassifierHead head = new ClassifierHead(s.channels(), s.numClasses(), s.norm(), 0).init(manager);
        Path p = dir.resolve(PARAMS);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(p)))) {
            head.loadParameters(manager, in);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IllegalArgumentException(p + ": cannot load head parameters for " + s.channels() + "→"
                    + s.numClasses() + " (norm=" + s.norm() + "): " + e.getMessage());
        }
        return head;
    }

    interface Writer {
        void write(OutputStream os) throws IOException;
    }

    static void atomic(Path file, Writer w) throws IOException {
        org.featmap.ml.AtomicFiles.write(file, w::write);
    }
}
