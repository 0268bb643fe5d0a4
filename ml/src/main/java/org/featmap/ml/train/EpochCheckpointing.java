package org.featmap.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.featmap.ml.EpochCheckpoints;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.Safetensors;

/**
 * The resumable checkpoint committed after every epoch: {@code <dir>/epoch-NNNN/{state.safetensors,trainer.json}}
 * and {@code LATEST}, in the layout and commit order every stage with epochs shares ({@link EpochCheckpoints}).
 * The state holds the model, the optimiser's moments and the {@link TrainStage.TrainerState} (epoch, losses, the
 * rules' state) and a copy of the best model exported so far, so a run resumed from it, on any host, ends exactly as
 * an uninterrupted one. The caller's listener gets the
 * folder after the commit (the activity turns it into heartbeat details).
 */
final class EpochCheckpointing implements EpochListener {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String LATEST = "LATEST";

    private final Path root;
    private final TrainListener listener;
    private final BestModelExport best;

    EpochCheckpointing(Path root, TrainListener listener, BestModelExport best) {
        this.root = root;
        this.listener = listener;
        this.best = best;
    }

    @Override
    public void onEpochEnd(EpochEnd e) throws IOException {
        TrainStage.TrainerState st = e.state;
        st.epoch = e.epoch;
        st.lr = e.opt.lr();
        st.optimizerSteps = e.opt.stepCount();
        Path dir = new EpochCheckpoints(root, null).commit(st.epoch, tmp -> {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            e.model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
            tensors.putAll(e.opt.state());
            Safetensors.write(tmp.resolve("state.safetensors"), tensors, Map.of("epoch", String.valueOf(st.epoch)));
            JSON.writeValue(tmp.resolve("trainer.json").toFile(), st);
            best.linkInto(tmp);
        });
        listener.onCheckpoint(e.epoch, dir, e.newBest);
    }

    static Optional<Path> latest(Path dir) throws IOException {
        Path latest = dir.resolve(LATEST);
        if (!Files.exists(latest)) {
            return Optional.empty();
        }
        Path d = dir.resolve(Files.readString(latest).trim());
        if (!Files.isRegularFile(d.resolve("trainer.json")) || !Files.isRegularFile(d.resolve("state.safetensors"))) {
            throw new IOException("checkpoint " + d + " named by " + latest + " is incomplete");
        }
        return Optional.of(d);
    }

    /** Loads a checkpoint's model and optimiser state; returns its trainer state. */
    static TrainStage.TrainerState restore(Path dir, NDManager manager, MappingModel model, AdamW opt)
            throws IOException {
        TrainStage.TrainerState st =
                JSON.readValue(dir.resolve("trainer.json").toFile(), TrainStage.TrainerState.class);
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> state = Safetensors.read(dir.resolve("state.safetensors"), tmp);
            for (String k : model.stateDict().keySet()) {
                NDArray v = state.get("model." + k);
                if (v == null) {
                    throw new IOException("checkpoint " + dir + " lacks tensor model." + k);
                }
                model.load(k, v);
            }
            opt.restore(st.optimizerSteps, st.lr, state);
        }
        return st;
    }
}
