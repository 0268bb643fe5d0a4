package org.featmap.ml.backbone;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.ml.backbone.BackboneManifest.LayerEntry;

/**
 * An exported backbone loaded into DJL's libtorch: the TorchScript modules needed for the requested
 * layers, chained (ConvNeXt featK = stage0..K, spec §3.3), SwinV2's NHWC output permuted to NCHW.
 * Not thread-safe; one instance per worker thread.
 */
public final class Backbone implements AutoCloseable {
    private final BackboneManifest manifest;
    private final Device device;
    private final List<String> chain = new ArrayList<>();
    private final List<ZooModel<NDList, NDList>> models = new ArrayList<>();
    private final List<LayerEntry> layers;
    private final ParameterStore parameterStore;
    private final NDManager manager;

    private Backbone(BackboneManifest manifest, Device device, List<LayerEntry> layers) {
        this.manifest = manifest;
        this.device = device;
        this.layers = layers;
        this.manager = org.featmap.ml.ComputeDevice.manager(device);
        this.parameterStore = new ParameterStore(manager, false);
    }

    /**
     * Loads {@code dir} (validated manifest + module sha256), the modules for {@code layerNames}
     * (all layers if empty), and checks one forward pass against the manifest shapes.
     */
    public static Backbone open(Path dir, Device device, List<String> layerNames) throws IOException {
        BackboneManifest m = BackboneManifest.load(dir);
        List<LayerEntry> wanted = new ArrayList<>();
        for (String n : (layerNames == null || layerNames.isEmpty()) ? m.layerNames() : layerNames)
            wanted.add(m.layer(n));
        Backbone b = new Backbone(m, device, wanted);
        try {
            Set<String> needed = new LinkedHashSet<>();
            for (LayerEntry l : wanted) needed.addAll(l.chain());
            for (BackboneManifest.ModuleEntry mod : m.modules())
                if (needed.contains(mod.file())) b.chain.add(mod.file());
            for (LayerEntry l : wanted)
                if (!b.chain.subList(0, l.chain().size()).equals(l.chain()))
                    throw new BackboneException(
                            dir + ": layer " + l.name() + " chain " + l.chain() + " is not a prefix of " + b.chain);
            for (String file : b.chain) b.models.add(load(dir.resolve(file), device));
            b.checkShapes(dir);
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private static ZooModel<NDList, NDList> load(Path file, Device device) {
        try {
            return org.featmap.ml.TorchScripts.load(file, device);
        } catch (IllegalArgumentException e) {
            throw new BackboneException(BackboneManifest.firstLine(e.getMessage()), e);
        }
    }

    private void checkShapes(Path dir) {
        int s = manifest.crop();
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> out = forward(scratch.zeros(new Shape(1, 3, s, s), DataType.FLOAT32));
            for (LayerEntry l : layers) {
                long[] got = out.get(l.name()).getShape().getShape();
                long[] expect = {
                    1, l.shape().get(0), l.shape().get(1), l.shape().get(2)
                };
                if (!Arrays.equals(got, expect))
                    throw new BackboneException(dir + ": layer " + l.name() + " module output shape "
                            + Arrays.toString(got) + " disagrees with manifest " + Arrays.toString(expect));
            }
        }
    }

    public BackboneManifest manifest() {
        return manifest;
    }

    public List<LayerEntry> layers() {
        return layers;
    }

    public Device device() {
        return device;
    }

    /**
     * Runs a (B,3,crop,crop) float32 batch through the chain; returns each requested layer as a
     * (B,C,H,W) NCHW float32 array attached to the batch's manager (the caller closes it).
     */
    public Map<String, NDArray> forward(NDArray batch) {
        NDManager owner = batch.getManager();
        JniUtils.setGradMode(false); // thread-local in libtorch; spec §3.1 inference mode
        NDArray x = batch.getDevice().equals(manager.getDevice()) ? batch : batch.toDevice(manager.getDevice(), false);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < chain.size(); i++) {
            Block block = models.get(i).getBlock();
            NDArray y = block.forward(parameterStore, new NDList(x), false).singletonOrThrow();
            y.attach(owner);
            if (x != batch && !out.containsValue(x)) x.close();
            for (LayerEntry l : layers) {
                if (l.chain().size() == i + 1)
                    out.put(l.name(), l.nhwc() ? y.transpose(0, 3, 1, 2) : y); // spec §3.3: SwinV2 NHWC -> NCHW
            }
            x = y;
        }
        if (!out.containsValue(x)) x.close();
        return out;
    }

    @Override
    public void close() {
        for (ZooModel<NDList, NDList> m : models) m.close();
        models.clear();
        manager.close();
    }
}
