package org.featmap.ml;

/**
 * The engine's random generator is one per process (torch's default CPU and CUDA generators). Code that
 * needs reproducible draws reseeds it and draws while holding {@link #LOCK}, so concurrent cells on one
 * worker cannot draw in between. Nothing else in the project draws from it (the decoder initialises
 * from a Java generator, DecoderModel.reinitialize); keep it that way or take the lock.
 */
public final class TorchRandom {
    public static final Object LOCK = new Object();

    private TorchRandom() {}

    /** Reseeds the engine's generators; call only while holding {@link #LOCK}. */
    public static void seed(long seed) {
        ai.djl.pytorch.jni.JniUtils.setSeed(seed);
    }
}
