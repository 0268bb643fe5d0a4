import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.featmap.core.contract.Progress;
import org.featmap.ml.eval.ChangeMask;
import org.featmap.ml.eval.DdimSampler;
import org.featmap.ml.eval.EpsModel;
import org.featmap.ml.eval.ImageMetrics;
import org.featmap.ml.eval.TorchScriptModule;
import org.featmap.ml.images.RgbImage;

/** Java side of bench/metrics: ops/s of SSIM, MSE, change mask; DDIM loop overhead outside eps. */
public class MetricsBench {
  static double rate(Supplier<Object> fn, double minSeconds) {
    long w0 = System.nanoTime();
    while ((System.nanoTime() - w0) / 1e9 < 1.5) fn.get(); // JIT warm-up (C2 needs thousands of loop trips)
    long t0 = System.nanoTime();
    int n = 0;
    while ((System.nanoTime() - t0) / 1e9 < minSeconds) {
      fn.get();
      n++;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  static RgbImage random(int s, Random r) {
    byte[] b = new byte[s * s * 3];
    r.nextBytes(b);
    return new RgbImage(s, s, b);
  }

  public static void main(String[] args) throws Exception {
    Random r = new Random(0);
    StringBuilder json = new StringBuilder("{");
    for (int size : new int[] {288, 1024}) {
      RgbImage a = random(size, r), b = random(size, r);
      json.append(String.format(Locale.ROOT, "\"ssim_%d\": %.3f, \"mse_%d\": %.3f, \"mask_%d\": %.3f, ", size,
          rate(() -> ImageMetrics.ssim(a, b), 2), size, rate(() -> ImageMetrics.mse(a, b), 2), size,
          rate(() -> ChangeMask.compute(a, b), 2)));
    }
    Path dir = Path.of(args[0]);
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        TorchScriptModule eps = TorchScriptModule.load(dir.resolve("tiny_eps.pt"));
        TorchScriptModule dec = TorchScriptModule.load(dir.resolve("tiny_decoder.pt"))) {
      long[] epsNanos = new long[1];
      EpsModel timed = (x, t, c, h) -> {
        long t0 = System.nanoTime();
        NDArray e = eps.eps(x, t, c, h);
        e.toFloatArray(); // force completion inside the timed region
        epsNanos[0] += System.nanoTime() - t0;
        return e;
      };
      Shape lat = new Shape(1, 4, 8, 8);
      NDArray xT = m.randomNormal(lat), hint = m.randomNormal(lat);
      NDArray cond = m.randomNormal(new Shape(1, 77, 8)), uncond = m.randomNormal(new Shape(1, 77, 8));
      DdimSampler s = new DdimSampler(timed, dec, DdimSampler.Options.FEATINV);
      for (int i = 0; i < 3; i++) s.sample(xT, cond, uncond, hint, Progress.NONE);
      epsNanos[0] = 0;
      int reps = 20;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) s.sample(xT, cond, uncond, hint, Progress.NONE);
      long total = System.nanoTime() - t0;
      double outsideMsPerStep = (total - epsNanos[0]) / 1e6 / reps / 50;
      json.append(String.format(Locale.ROOT,
          "\"ddim_total_ms_per_sample\": %.3f, \"ddim_outside_eps_ms_per_step\": %.4f, \"ddim_outside_fraction_tiny_eps\": %.4f}",
          total / 1e6 / reps, outsideMsPerStep, (total - epsNanos[0]) / (double) total));
    }
    System.out.println(json);
  }
}
