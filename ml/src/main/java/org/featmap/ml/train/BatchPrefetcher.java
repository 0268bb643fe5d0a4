package org.featmap.ml.train;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads training batch b+1 on one background thread while batch b trains, so streaming from the
 * feature store overlaps with compute. Numerically neutral: same batches, same order (spec §6.2
 * no shuffling). Two buffer slots; the arrays returned for batch b stay valid until {@code get(b+1)}.
 * Only one thread ever reads the dataset at a time.
 */
public final class BatchPrefetcher implements AutoCloseable {
    /** Fills src/tgt with training batch {@code batch}. */
    public interface Loader {
        void load(int batch, float[] src, float[] tgt) throws IOException;
    }

    private final ExecutorService io;
    private final float[][] src;
    private final float[][] tgt;
    private final Loader loader;
    private final int count;
    private Future<?> pending;
    private int pendingBatch = -1;

    public BatchPrefetcher(int batchFloats, int count, Loader loader) {
        this.src = new float[][] {new float[batchFloats], new float[batchFloats]};
        this.tgt = new float[][] {new float[batchFloats], new float[batchFloats]};
        this.loader = loader;
        this.count = count;
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "train-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The (src, tgt) arrays of batch b, 0 ≤ b < count; starts reading b+1. */
    public float[][] get(int b) throws IOException {
        if (pendingBatch != b) {
            await(pending); // a stale read (never happens for consecutive calls) must not race the new one
            submit(b);
        }
        await(pending);
        pending = null;
        pendingBatch = -1;
        if (b + 1 < count) {
            submit(b + 1);
        }
        return new float[][] {src[b % 2], tgt[b % 2]};
    }

    private void submit(int b) {
        pendingBatch = b;
        pending = io.submit(() -> {
            loader.load(b, src[b % 2], tgt[b % 2]);
            return null;
        });
    }

    private static void await(Future<?> f) throws IOException {
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a training batch");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException x) throw x;
            if (c instanceof RuntimeException x) throw x;
            if (c instanceof Error x) throw x;
            throw new IOException(c);
        }
    }

    /** Waits for an outstanding read (so the caller may use the dataset again) and stops the thread. */
    @Override
    public void close() {
        try {
            await(pending);
        } catch (IOException | RuntimeException ignored) {
            // the caller is already failing or finished; the read result is not needed
        }
        io.shutdownNow();
    }
}
