package org.featmap.ml;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The one place where a stage's device becomes tensors: every heavy stage creates its NDManagers, DJL models
 * and TorchScript modules through here, on the device it was given (the worker's {@code FEATMAP_DEVICE}), never
 * on a hard-coded CPU or the engine's default (issue #14: finetune and reconstruct ran on an L40 worker's CPU).
 *
 * <p>The hook exists for tests: {@link #intercept} sees every request, so a test can give a stage a GPU device on a
 * CPU-only machine, record what the stage asked for and map it onto the CPU. A stage that ignores its device asks
 * for the CPU and the test fails; a stage that bypasses this class is caught by {@code NoHardCodedDeviceTest}.
 */
public final class ComputeDevice {
    private static volatile UnaryOperator<Device> hook = UnaryOperator.identity();

    private ComputeDevice() {}

    /** The device to allocate on for a request of {@code requested} (itself, unless a test intercepts). */
    public static Device resolve(Device requested) {
        return hook.apply(Objects.requireNonNull(requested, "device"));
    }

    /** A base manager on {@code device}. */
    public static NDManager manager(Device device) {
        return NDManager.newBaseManager(resolve(device), "PyTorch");
    }

    /** An empty DJL model on {@code device}. */
    public static Model model(String name, Device device) {
        return Model.newInstance(name, resolve(device), "PyTorch");
    }

    /** Tests only: routes every request through {@code h} until the returned handle is closed. */
    public static AutoCloseable intercept(UnaryOperator<Device> h) {
        UnaryOperator<Device> before = hook;
        hook = Objects.requireNonNull(h);
        return () -> hook = before;
    }
}
