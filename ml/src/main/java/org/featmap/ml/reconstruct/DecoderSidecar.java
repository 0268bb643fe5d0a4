package org.featmap.ml.reconstruct;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code decoder.json} beside the DJL parameters: what the decoder inverts and how it was trained. */
public record DecoderSidecar(
        @JsonProperty("format") int format,
        @JsonProperty("channels") int channels,
        @JsonProperty("height") int height,
        @JsonProperty("width") int width,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("hidden_width") int hiddenWidth,
        @JsonProperty("layer") String layer,
        @JsonProperty("backbone") String backbone,
        @JsonProperty("loss") String loss,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("seed") long seed,
        @JsonProperty("train_rows") int trainRows,
        @JsonProperty("val_rows") int valRows,
        @JsonProperty("final_val_loss") double finalValLoss) {

    public static final String FILE = "decoder.json";
    public static final String PREFIX = "decoder";
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DecoderShape shape() {
        return new DecoderShape(channels, height, width, imageSize, hiddenWidth);
    }

    public void write(Path dir) throws IOException {
        org.featmap.ml.AtomicFiles.writeVia(dir.resolve(FILE), tmp -> JSON.writeValue(tmp.toFile(), this));
    }

    public static DecoderSidecar read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IOException(f + ": missing; not a trained decoder directory");
        DecoderSidecar s = JSON.readValue(f.toFile(), DecoderSidecar.class);
        if (s.format() != FORMAT)
            throw new IOException(f + ": format " + s.format() + ", this code reads format " + FORMAT);
        return s;
    }
}
