package org.featmap.ml.classify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetuneStageTest {

  @Test
  void finetunesHeadOnFrozenFeatures(@TempDir Path tmp) throws Exception {
    Path images = ClassifyFixtures.manipulated(tmp, ClassifyFixtures.OPS);
    Path out = tmp.resolve("head");
    long t = System.nanoTime();
    FinetuneOptions o = FinetuneOptions.convnext(ClassifyFixtures.CONVNEXT, images.resolve("augmented_train"), out)
        .withTraining(false, 15, 16, 0.2);
    FinetuneResult r = FinetuneStage.run(o);
    System.out.println("finetune " + (System.nanoTime() - t) / 1e9 + " s " + r);
    r.history().forEach(System.out::println);
    assertTrue(Files.isRegularFile(out.resolve(HeadFiles.PARAMS)));
  }
}
