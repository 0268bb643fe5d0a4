package org.featmap.ml.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.featmap.ml.AtomicFiles;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.Safetensors;

/**
 * The top-1 model of spec §6.5 (Lightning's ModelCheckpoint on val_loss, evaluated every {@code checkpointEvery}
 * epochs): when an epoch's validation loss is the best so far, the model is exported to the output folder as
 * {@code <baseName>.safetensors} with its {@code .json} sidecar. Its state is the {@code ckpt*} fields of {@link
 * EpochRules}; every resumable checkpoint carries a copy of the export ({@link #linkInto}), because a run resumed on
 * another host starts with an empty output folder and, when no later epoch beats the best, would end with none.
 */
final class BestModelExport implements EpochListener {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrainOptions o;
    private final boolean normalized;

    BestModelExport(TrainOptions o, boolean normalized) {
        this.o = o;
        this.normalized = normalized;
    }

    /** Whether this epoch's model is the new best; updates the rules' ckpt state. */
    static boolean isBest(EpochRules r, int epoch, double valLoss) {
        if ((epoch + 1) % r.checkpointEvery == 0 && valLoss < r.ckptBest) {
            r.ckptBest = valLoss;
            r.ckptEpoch = epoch;
            return true;
        }
        return false;
    }

    @Override
    public void onEpochEnd(EpochEnd e) throws IOException {
        e.newBest = isBest(e.state.rules, e.epoch, e.valLoss);
        if (e.newBest) save(e.model, e.epoch, e.valLoss);
    }

    /** The exported model of the best epoch (null when no epoch was evaluated). */
    Path safetensors(int bestEpoch) {
        return bestEpoch >= 0 ? o.outputDir().resolve(baseName(o, normalized) + ".safetensors") : null;
    }

    /** Its sidecar (null when no epoch was evaluated). */
    Path sidecar(int bestEpoch) {
        return bestEpoch >= 0 ? o.outputDir().resolve(baseName(o, normalized) + ".json") : null;
    }

    /**
     * Puts the current export into a checkpoint being written ({@code best-model.safetensors}, {@code
     * best-model.json}): a hard link where the file system allows, so the local cost is nil; the store copy costs the
     * model's bytes once more per uploaded checkpoint (a third of the state with AdamW's two moments).
     */
    void linkInto(Path checkpointDir) throws IOException {
        String base = baseName(o, normalized);
        for (String ext : new String[] {".safetensors", ".json"}) {
            Path f = o.outputDir().resolve(base + ext);
            if (!Files.isRegularFile(f)) continue; // no checkpoint epoch reached yet
            AtomicFiles.linkOrCopy(f, checkpointDir.resolve(CHECKPOINT_COPY + ext));
        }
    }

    /**
     * After a resume: makes the output folder hold the export of best epoch {@code bestEpoch} from the checkpoint's
     * copy. A checkpoint without a copy (written before copies existed) is fine only where the export is still in
     * the output folder (the same host); elsewhere the run cannot end with its best model, and says so.
     */
    void restoreFrom(Path checkpointDir, int bestEpoch) throws IOException {
        if (bestEpoch < 0) return;
        String base = baseName(o, normalized);
        Path copy = checkpointDir.resolve(CHECKPOINT_COPY + ".safetensors");
        if (Files.isRegularFile(copy)) {
            for (String ext : new String[] {".safetensors", ".json"}) {
                Path from = checkpointDir.resolve(CHECKPOINT_COPY + ext);
                Path to = o.outputDir().resolve(base + ext);
                Path tmp = AtomicFiles.temporary(to);
                Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING); // a copy: the checkpoint is rotated away
                AtomicFiles.publish(tmp, to);
            }
        } else if (!Files.isRegularFile(o.outputDir().resolve(base + ".safetensors"))) {
            throw new IOException("checkpoint " + checkpointDir + " has no copy of the best model (epoch " + bestEpoch
                    + ") and " + o.outputDir() + " has no export: delete " + checkpointDir.getParent()
                    + " to train this cell from scratch");
        }
    }

    /** The name of the export's copy inside a checkpoint folder. */
    static final String CHECKPOINT_COPY = "best-model";

    static String baseName(TrainOptions o, boolean normalized) {
        String layer = o.info() != null ? o.info().layer() : "feat";
        // spec §6.5 naming, without Lightning's -vN versions (each cell has its own directory; B19)
        return o.modelType().key() + "_" + layer + "_normalized_" + (normalized ? "True" : "False") + "_mapping_model";
    }

    private void save(MappingModel model, int epoch, double valLoss) throws IOException {
        // the model is saved once, as safetensors (what TrainedMapping and PyTorch load); DJL's .params copy was read
        // by nothing and doubled the store (a feat0 transformer is 64.8 MB; issue #13 6e)
        String base = baseName(o, normalized);
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, Object> side = new LinkedHashMap<>();
        TrainOptions.ModelInfo info = o.info();
        side.put("backbone", info == null ? null : info.backbone());
        side.put("dataset", info == null ? null : info.dataset());
        side.put("group", info == null ? null : info.group());
        side.put("manipulation", o.manipulation());
        side.put("layer", info == null ? null : info.layer());
        side.put("model_type", o.modelType().key());
        side.put("apply_transform", o.applyTransform());
        side.put("normalized", normalized);
        side.put("loss", o.loss().name());
        side.put("channels", model.channels());
        side.put("epoch", epoch);
        side.put("val_loss", valLoss);
        side.forEach((k, v) -> meta.put(k, String.valueOf(v)));
        Safetensors.write(o.outputDir().resolve(base + ".safetensors"), model.stateDict(), meta);
        AtomicFiles.writeVia(o.outputDir().resolve(base + ".json"), tmp -> JSON.writeValue(tmp.toFile(), side));
    }
}
