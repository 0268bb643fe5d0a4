package org.featmap.ml.eval;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TorchScript file loaded with DJL's PyTorch engine and called with positional tensors. Serves as
 * {@link EpsModel} (4 inputs) and {@link Decoder} (1 input). Outputs stay attached to the first input's
 * manager (DJL PtSymbolBlock behaviour), so the caller's scoping controls their lifetime.
 */
public final class TorchScriptModule implements EpsModel, Decoder, AutoCloseable {
  private final ZooModel<NDList, NDList> model;
  private final Block block;
  private final Path file;

  private TorchScriptModule(ZooModel<NDList, NDList> model, Path file) {
    this.model = model;
    this.block = model.getBlock();
    this.file = file;
  }

  public static TorchScriptModule load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("TorchScript module not found: " + file);
    Criteria<NDList, NDList> criteria = Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(file)
        .optEngine("PyTorch")
        .optTranslator(new NoopTranslator())
        .build();
    try {
      return new TorchScriptModule(criteria.loadModel(), file);
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException("cannot load TorchScript module " + file + ": " + e.getMessage(), e);
    }
  }

  public NDList forward(NDList inputs) {
    NDManager m = inputs.head().getManager();
    return block.forward(new ParameterStore(m, false), inputs, false);
  }

  @Override
  public NDArray eps(NDArray x, NDArray t, NDArray context, NDArray hint) {
    return forward(new NDList(x, t, context, hint)).singletonOrThrow();
  }

  @Override
  public NDArray decode(NDArray scaledLatent) {
    return forward(new NDList(scaledLatent)).singletonOrThrow();
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    model.close();
  }
}
