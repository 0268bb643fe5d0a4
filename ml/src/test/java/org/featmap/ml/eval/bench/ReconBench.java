package org.featmap.ml.eval.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.featmap.core.contract.Progress;
import org.featmap.ml.eval.DdimSampler;
import org.featmap.ml.eval.Decoder;
import org.featmap.ml.eval.EpsModel;
import org.featmap.ml.eval.FeatInvManifest;
import org.featmap.ml.eval.FeatInvReconstructor;
import org.featmap.ml.eval.TorchScriptModule;
import org.featmap.ml.images.RgbImage;

/**
 * Java side of bench/recon: FeatInv reconstructions/s over N samples through
 * {@link FeatInvReconstructor#reconstructAll} at batch B (one sampler loop per B samples, one ε call on 2B
 * rows per step), and mode "ref" = the reference's way (one sample, two ε calls per step, through
 * {@link DdimSampler} directly). Also the time outside the ε-network and the decoder as a fraction of the
 * sampler's time. Same export and inputs as bench/recon/recon_torch.py (made by bench/recon/make_net.py).
 * Args: DIR N THREADS MODE... Prints one JSON line.
 */
public final class ReconBench {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        int n = Integer.parseInt(a[1]), threads = Integer.parseInt(a[2]);
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        Path mfPath = dir.resolve("featinv_manifest.json");
        FeatInvManifest mf = FeatInvManifest.read(mfPath);
        long[] fs = mf.featureShape().stream().mapToLong(Integer::longValue).toArray();
        long[] ls = mf.latentShape().stream().mapToLong(Integer::longValue).toArray();
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"threads\": %d, \"n\": %d", threads, n));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                FeatInvReconstructor rec = FeatInvReconstructor.open(mfPath)) {
            NDArray feats = m.create(
                    floats(dir.resolve("features.f32"), n * fs[0] * fs[1] * fs[2]), new Shape(n, fs[0], fs[1], fs[2]));
            NDArray xT =
                    m.create(floats(dir.resolve("x_T.f32"), ls[0] * ls[1] * ls[2]), new Shape(1, ls[0], ls[1], ls[2]));
            for (int i = 3; i < a.length; i++) {
                String mode = a[i];
                long total, epsNs, decNs, loops, calls;
                List<RgbImage> imgs;
                if (mode.equals("ref")) {
                    try (TorchScriptModule eps = TorchScriptModule.load(dir.resolve(mf.epsFile()));
                            TorchScriptModule dec = TorchScriptModule.load(dir.resolve(mf.decoderFile()))) {
                        long[] ns = new long[2];
                        EpsModel te = (x, t, c, h) -> {
                            long t0 = System.nanoTime();
                            NDArray e = eps.eps(x, t, c, h);
                            ns[0] += System.nanoTime() - t0;
                            return e;
                        };
                        Decoder td = z -> {
                            long t0 = System.nanoTime();
                            NDArray y = dec.decode(z);
                            ns[1] += System.nanoTime() - t0;
                            return y;
                        };
                        DdimSampler s = new DdimSampler(te, td, new DdimSampler.Options(50, 1.75f, false));
                        NDArray c = m.create(
                                mf.readContext(mfPath, mf.condContextFile()), new Shape(mf.contextShapeArray()));
                        NDArray u = m.create(
                                mf.readContext(mfPath, mf.uncondContextFile()), new Shape(mf.contextShapeArray()));
                        s.sample(xT, c, u, feats.get("0:1"), Progress.NONE); // warm-up
                        ns[0] = ns[1] = 0;
                        imgs = new ArrayList<>();
                        long t0 = System.nanoTime();
                        for (int k = 0; k < n; k++) {
                            try (NDManager scope = m.newSubManager()) {
                                NDArray h = feats.get(k + ":" + (k + 1));
                                h.attach(scope);
                                imgs.addAll(s.sample(xT, c, u, h, Progress.NONE).images());
                            }
                        }
                        total = System.nanoTime() - t0;
                        epsNs = ns[0];
                        decNs = ns[1];
                        calls = 2L * 50 * n;
                        loops = n;
                    }
                } else {
                    int b = Integer.parseInt(mode);
                    rec.reconstructAll(feats.get("0:" + b), xT, b, Progress.NONE); // warm-up
                    rec.resetTimings();
                    long t0 = System.nanoTime();
                    imgs = rec.reconstructAll(feats, xT, b, Progress.NONE);
                    total = System.nanoTime() - t0;
                    epsNs = rec.timings().epsNanos();
                    decNs = rec.timings().decoderNanos();
                    calls = rec.timings().epsCalls();
                    loops = (n + b - 1) / b;
                }
                long sum = 0;
                for (RgbImage img : imgs) for (byte v : img.rgb()) sum += v & 0xFF;
                json.append(String.format(
                        Locale.ROOT,
                        ", \"%s\": {\"rec_per_s\": %.5f, \"eps_fraction\": %.5f, \"eps_ms_per_call\": %.3f, \"outside_fraction\": %.5f, \"outside_ms_per_step\": %.4f, \"pixel_sum\": %d}",
                        mode,
                        n / (total / 1e9),
                        epsNs / (double) total,
                        epsNs / 1e6 / calls,
                        (total - epsNs - decNs) / (double) total,
                        (total - epsNs - decNs) / 1e6 / loops / 50,
                        sum));
            }
        }
        System.out.println(json.append("}"));
    }

    private static float[] floats(Path p, long count) throws java.io.IOException {
        byte[] b = Files.readAllBytes(p);
        if (b.length < count * 4) throw new java.io.IOException(p + ": " + b.length + " bytes, need " + count * 4);
        float[] f = new float[(int) count];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
