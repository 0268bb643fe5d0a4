package org.featmap.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.io.IOException;
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

    /** Loads on the engine's default device (tools and tests). */
    public static TorchScriptModule load(Path file) throws IOException {
        return load(file, null);
    }

    /** Loads on {@code device} (null: the engine's default); stages pass the worker's. */
    public static TorchScriptModule load(Path file, ai.djl.Device device) throws IOException {
        try {
            return new TorchScriptModule(org.featmap.ml.TorchScripts.load(file, device), file);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The device the module's weights live on. */
    public ai.djl.Device device() {
        return model.getNDManager().getDevice();
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
