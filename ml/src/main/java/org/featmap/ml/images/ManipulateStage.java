package org.featmap.ml.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stage S1: ingest one split, resize + centre-crop every image to 288 (spec §1.4), write
 * {@code <out>/augmented_<split>/<class>/direct/<ID>_resized.<ext>} and {@code <ID>_<manipulation>.<ext>}
 * (spec §1.5). Images run in parallel on a bounded pool; an image that fails (cannot be decoded, ...) is
 * recorded in the report and the others complete. Dataset-level errors (duplicate or non-numeric ids,
 * missing folders) fail the whole stage with a one-line message.
 */
public final class ManipulateStage {
    private ManipulateStage() {}

    public static final String DIRECT_DIR = "direct";

    public static ManipulateReport run(ManipulateOptions o) throws IOException, InterruptedException {
        DatasetIngest.Dataset ds = DatasetIngest.scan(o.datasetRoot(), o.numClasses(), true);
        DatasetIngest.Split split = ds.split(o.split());
        Path splitOut = o.out().resolve("augmented_" + o.split());

        Map<String, AtomicInteger> counts = new LinkedHashMap<>();
        counts.put(Manipulation.RESIZED, new AtomicInteger());
        for (Manipulation m : o.ops()) counts.put(m.fileName(), new AtomicInteger());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();

        List<SourceImage> images = split.images();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(o.threads(), Math.max(1, images.size())), r -> {
            Thread t = new Thread(r, "featmap-manipulate");
            t.setDaemon(true);
            return t;
        });
        try {
            ExecutorCompletionService<Boolean> ecs = new ExecutorCompletionService<>(pool);
            List<Future<Boolean>> futures = new ArrayList<>(images.size());
            for (SourceImage img : images)
                futures.add(ecs.submit(() -> processOne(img, o, splitOut, counts, failures)));
            o.progress().report(0, images.size(), null);
            for (int i = 0; i < images.size(); i++) {
                Future<Boolean> f = ecs.take();
                try {
                    if (f.get()) done.incrementAndGet();
                } catch (ExecutionException e) {
                    failures.add("unexpected: " + oneLine(e.getCause()));
                }
                // Called on the caller's thread: a Temporal adapter may heartbeat here and throw on cancellation.
                o.progress().report(i + 1, images.size(), null);
            }
        } finally {
            pool.shutdownNow();
        }
        long written = counts.values().stream().mapToLong(AtomicInteger::get).sum();
        Map<String, Integer> per = new LinkedHashMap<>();
        counts.forEach((k, v) -> per.put(k, v.get()));
        List<String> sortedFailures = new ArrayList<>(failures);
        Collections.sort(sortedFailures);
        return new ManipulateReport(
                o.split(),
                images.size(),
                done.get(),
                written,
                List.copyOf(sortedFailures),
                per,
                split.skipped().stream().map(Path::toString).toList());
    }

    /** Output file of one image and manipulation name ("resized" or a §1.6 name). */
    public static Path outputFile(Path splitOut, SourceImage img, String name, ImageFormat format) {
        return splitOut.resolve(img.className())
                .resolve(DIRECT_DIR)
                .resolve(img.id() + "_" + name + "." + format.extension());
    }

    // One pool per worker thread: an output array goes back only after its JPEG is written, and the next operation
    // of the same thread is the only one that can take it (issue #20: a fresh 248 KB array costs ~14 µs).
    private static final ThreadLocal<PixelBuffers> BUFFERS = ThreadLocal.withInitial(PixelBuffers::new);

    private static boolean processOne(
            SourceImage img,
            ManipulateOptions o,
            Path splitOut,
            Map<String, AtomicInteger> counts,
            List<String> failures) {
        try {
            RgbImage src = ImageCodec.decode(img.file());
            RgbImage original = ResizeCrop.apply(src, o.size());
            ImageCodec.write(original, outputFile(splitOut, img, Manipulation.RESIZED, o.format()), o.format());
            counts.get(Manipulation.RESIZED).incrementAndGet();
            PixelBuffers buffers = BUFFERS.get();
            for (Manipulation m : o.ops()) {
                long seed = m.isRandom() ? GaussianNoise.seed(o.dataset(), o.split(), img.id(), m.fileName()) : 0L;
                RgbImage out = m.apply(original, seed, buffers);
                ImageCodec.write(out, outputFile(splitOut, img, m.fileName(), o.format()), o.format());
                // encoded and dropped; the original stays in use by the next operations
                if (out.rgb() != original.rgb()) buffers.give(out);
                counts.get(m.fileName()).incrementAndGet();
            }
            return true;
        } catch (IOException e) {
            failures.add(oneLine(e));
        } catch (RuntimeException e) {
            failures.add(img.file() + ": " + oneLine(e));
        }
        return false;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
