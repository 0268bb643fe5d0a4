package org.featmap.activities.stage;

import ai.djl.Device;

/**
 * The compute device of this worker, shared by every stage's adapter: {@code FEATMAP_DEVICE} = cpu (default), gpu or
 * gpuN (DJL's names: "gpu:0" does not parse). The compute in ml takes it as a parameter and never picks its own.
 */
public final class WorkerDevice {
    private WorkerDevice() {}

    public static Device device() {
        return Device.fromName(name());
    }

    /** The {@code FEATMAP_DEVICE} text (DJL's {@code Device.toString()}, "cpu()", does not parse back). */
    public static String name() {
        return System.getenv().getOrDefault("FEATMAP_DEVICE", "cpu");
    }
}
