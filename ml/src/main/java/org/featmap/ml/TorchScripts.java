package org.featmap.ml;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads an exported TorchScript file into DJL's PyTorch engine: a local path, no download, raw NDLists in and out. */
public final class TorchScripts {
    private TorchScripts() {}

    /**
     * @param device null for the engine's default
     * @throws IllegalArgumentException with a one-line reason when the file is missing or not a module
     */
    public static ZooModel<NDList, NDList> load(Path file, Device device) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("TorchScript module not found: " + file);
        // The folder plus the file's stem as model name: DJL's SimpleRepository warns ("pointing to a non-archive
        // file") once per module when given the .pt file itself; the PyTorch engine loads <folder>/<name>.pt.
        Path abs = file.toAbsolutePath();
        String name = abs.getFileName().toString();
        Criteria.Builder<NDList, NDList> b = Criteria.builder().setTypes(NDList.class, NDList.class);
        b = name.endsWith(".pt")
                ? b.optModelPath(abs.getParent()).optModelName(name.substring(0, name.length() - 3))
                : b.optModelPath(abs);
        b = b.optEngine("PyTorch").optTranslator(new NoopTranslator());
        if (device != null) b = b.optDevice(ComputeDevice.resolve(device));
        try {
            return b.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | java.io.IOException | RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(
                    file + ": cannot load TorchScript module: "
                            + msg.lines().findFirst().orElse(""),
                    e);
        }
    }
}
