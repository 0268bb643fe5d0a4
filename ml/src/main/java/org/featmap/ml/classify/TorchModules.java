package org.featmap.ml.classify;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.nio.file.Path;

/** Loads one exported TorchScript module of a backbone directory into DJL (no download, NoopTranslator). */
final class TorchModules {
  private TorchModules() {}

  static ZooModel<NDList, NDList> load(Path file, Device device) throws IOException {
    Criteria<NDList, NDList> criteria = Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(file)
        .optEngine("PyTorch")
        .optDevice(device)
        .optTranslator(new NoopTranslator())
        .build();
    try {
      return criteria.loadModel();
    } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      throw new IllegalArgumentException(file + ": cannot load TorchScript module: " + msg.lines().findFirst().orElse(""), e);
    }
  }
}
