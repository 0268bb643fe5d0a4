package org.featmap.workers.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The smallest real sweep: a synthetic dataset, one manipulation, one backbone layer, one linear
 * mapping; test, classify, analysis and report off. Every stage computes for real.
 */
final class TinySweep {
    private TinySweep() {}

    static Path write(Path dir, String name, Path store, int perClassTrain, int maxEpochs) throws IOException {
        String yaml = """
        sweep:
          name: %s
          store: %s
          max_in_flight: 2
          heartbeat_seconds: 5
        images:
          target_size: 64
          manipulations: [grayscale]
        datasets:
          - name: SYN
            synthetic: {classes: 2, per_class_train: %d, per_class_test: 2, seed: 3, width: 80, height: 72}
            groups:
              - name: direct
                models: [linear]
                manipulations: [grayscale]
        backbones:
          - name: convnext
            export: %s
            layers: [feat3]
        features:
          batch_size: 8
        training:
          batch_size: 4
          accumulate_grad_batches: 1
          max_epochs: %d
          early_stop_patience: 100000
          early_stop_min_delta: 0
          checkpoint_every: 1
          val_ratio: 0.25
        test:
          enabled: false
        classify:
          enabled: false
        report:
          enabled: false
        """.formatted(
                        name, store, perClassTrain, Cli.repo().resolve("models/demo/convnext-atto-rand"), maxEpochs);
        Files.createDirectories(dir);
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** Every committed node of a local store: "stage/key" -> its manifest. */
    static Map<String, JsonNode> manifests(Path store) throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        if (!Files.exists(store)) return out;
        ObjectMapper om = new ObjectMapper();
        // <store>/<stage>/<key>/manifest.json only: .work/ changes under our feet while a sweep runs
        try (Stream<Path> stages = Files.list(store)) {
            // the store's epoch checkpoints (StoreCheckpoints) are not nodes of the graph
            for (Path stage : stages.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p ->
                            !p.getFileName().toString().equals(org.featmap.activities.stage.StoreCheckpoints.STAGE))
                    .toList()) {
                try (Stream<Path> keys = Files.list(stage)) {
                    for (Path key : keys.toList()) {
                        Path m = key.resolve("manifest.json");
                        if (Files.isRegularFile(m))
                            out.put(store.relativize(key).toString(), om.readTree(m.toFile()));
                    }
                }
            }
        }
        return out;
    }

    /** Manifest bytes per node, to prove a node was not rewritten. */
    static Map<String, byte[]> manifestBytes(Path store) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        for (String node : manifests(store).keySet())
            out.put(node, Files.readAllBytes(store.resolve(node).resolve("manifest.json")));
        return out;
    }
}
