import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.featmap.activities.stage.StoreCheckpoints;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.activities.store.S3ArtifactStore;
import org.featmap.core.store.ArtifactStore;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.mapping.Safetensors;
import org.featmap.ml.train.AdamW;

/**
 * Per-epoch cost of a store checkpoint (issue #14): the epoch checkpoint of a real cell's model (ConvNeXt-B feat3
 * linear: 1024 channels; feat0 transformer: 128 channels, d 512 — the transformer has no positional encoding, so
 * the 72x72 map does not change its size) with its AdamW moments, written as TrainStage writes it, then handed to
 * StoreCheckpoints: the time on the training thread (hard links) and the background upload to the store.
 * Args: OUT_DIR STORE_URI... ; prints one JSON line per (cell, store).
 */
public class CheckpointBench {
  public static void main(String[] a) throws Exception {
    Path out = Path.of(a[0]);
    String[][] cells = {{"feat3_linear", "LINEAR", "1024"}, {"feat0_transformer", "TRANSFORMER", "128"}};
    for (String[] cell : cells) {
      try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
        MappingModel model = MappingModel.create(ModelType.parse(cell[1].toLowerCase()), m, Integer.parseInt(cell[2]), false, "grayscale", 42);
        AdamW opt = new AdamW(model.trainable(), m, 1e-4, 1e-4, 0.9, 0.999, 1e-8);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        tensors.putAll(opt.state());
        for (int s = 1; s < a.length; s++) {
          String uri = a[s];
          Path root = out.resolve(cell[0] + "-" + s);
          Path ckpt = Files.createDirectories(root.resolve("checkpoints"));
          try (ArtifactStore store = uri.startsWith("s3://") ? S3ArtifactStore.open(uri) : new LocalArtifactStore(Path.of(uri))) {
            StoreCheckpoints sc = new StoreCheckpoints(store, "train", "b".repeat(63) + s, 2, root.resolve("upload"));
            int epochs = 5;
            double write = 0;
            for (int e = 0; e < epochs; e++) {
              long t0 = System.nanoTime();
              Path dir = ckpt.resolve(String.format("epoch-%04d", e));
              Files.createDirectories(dir);
              Safetensors.write(dir.resolve("state.safetensors"), tensors, Map.of("epoch", String.valueOf(e)));
              Files.writeString(dir.resolve("trainer.json"), "{\"epoch\":" + e + "}");
              write += (System.nanoTime() - t0) / 1e9;
              sc.onCheckpoint(e, dir);
              sc.flush(600); // one epoch's upload before the next (a real epoch is far longer than an upload)
            }
            if (s == 1) Files.copy(ckpt.resolve(String.format("epoch-%04d", epochs - 1)).resolve("state.safetensors"),
                Files.createDirectories(out.resolve("anchor")).resolve(cell[0] + ".safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            StoreCheckpoints.Stats st = sc.stats();
            sc.close();
            StoreCheckpoints.afterCommit(store, "train", "b".repeat(63) + s);
            System.out.printf(java.util.Locale.ROOT,
                "{\"cell\":\"%s\",\"store\":\"%s\",\"bytes\":%d,\"local_write_s\":%.4f,\"train_thread_s\":%.5f,\"upload_s\":%.4f,\"uploads\":%d}%n",
                cell[0], uri.startsWith("s3://") ? "s3" : "local", st.bytes / Math.max(1, st.uploaded), write / epochs,
                st.criticalSeconds / epochs, st.uploadSeconds / Math.max(1, st.uploaded), st.uploaded);
          }
        }
      }
    }
  }
}
