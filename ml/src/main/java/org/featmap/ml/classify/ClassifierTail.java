package org.featmap.ml.classify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.backbone.BackboneManifest.LayerEntry;

/**
 * The classifier for one stored layer (spec §8.2): the backbone's modules after the layer
 * ({@code stages[K+1..3]} for ConvNeXt featK, none for the last layer) followed by the fine-tuned head
 * (norm_pre is the identity for these models). Because the backbone was frozen during fine-tuning these
 * are the extractor's own modules. Not thread-safe.
 */
public final class ClassifierTail implements AutoCloseable {
    private final String layer;
    private final String backbone;
    private final long[] chw;
    private final List<ZooModel<NDList, NDList>> stages = new ArrayList<>();
    private final NDManager manager;
    private final ParameterStore ps;
    private final ClassifierHead head;
    private final Device device;
    private final HeadFiles.Sidecar sidecar;

    private ClassifierTail(
            String layer, String backbone, long[] chw, Device device, HeadFiles.Sidecar sidecar, Path headDir)
            throws IOException {
        this.layer = layer;
        this.backbone = backbone;
        this.chw = chw;
        this.sidecar = sidecar;
        this.device = device;
        this.manager = org.featmap.ml.ComputeDevice.manager(device);
        this.ps = new ParameterStore(manager, false);
        try {
            this.head = HeadFiles.load(headDir, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The tail of {@code layer} of the backbone in {@code backboneDir} with the head in {@code headDir}. */
    public static ClassifierTail open(Path backboneDir, Path headDir, String layer, Device device) throws IOException {
        BackboneManifest m = BackboneManifest.load(backboneDir);
        LayerEntry l = m.layer(layer);
        LayerEntry last = m.layers().get(m.layers().size() - 1);
        HeadFiles.Sidecar s = HeadFiles.readSidecar(headDir);
        if (!last.name().equals(s.inputLayer()) || last.shape().get(0) != s.channels())
            throw new IllegalArgumentException(headDir + ": head was trained on " + s.inputLayer() + " with "
                    + s.channels() + " channels, backbone " + m.timmId() + " ends in " + last.name() + " with "
                    + last.shape().get(0));
        if (s.backboneSha256() != null && !s.backboneSha256().equals(m.weightsSha256()))
            throw new IllegalArgumentException(headDir + ": head was trained on backbone weights " + s.backboneSha256()
                    + ", " + backboneDir + " has " + m.weightsSha256());
        if (!last.chain().subList(0, l.chain().size()).equals(l.chain()))
            throw new IllegalArgumentException(
                    backboneDir + ": layer " + layer + " is not on the path to " + last.name());
        long[] chw = {l.shape().get(0), l.shape().get(1), l.shape().get(2)};
        ClassifierTail t = new ClassifierTail(layer, m.timmId(), chw, device, s, headDir);
        try {
            for (String file :
                    last.chain().subList(l.chain().size(), last.chain().size()))
                t.stages.add(org.featmap.ml.TorchScripts.load(backboneDir.resolve(file), device));
            if (last.nhwc() && !t.stages.isEmpty())
                throw new IllegalArgumentException(
                        backboneDir + ": NHWC modules after " + layer + " are not supported");
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    public String layer() {
        return layer;
    }
    /** The device this tail was asked to run on (callers allocate through ComputeDevice with it). */
    public ai.djl.Device device() {
        return device;
    }

    public int numClasses() {
        return head.numClasses();
    }

    public List<String> classes() {
        return sidecar.classes();
    }

    public int stagesAfterLayer() {
        return stages.size();
    }

    /** Logits (B,K) of a (B,C,H,W) float32 batch of {@code layer}; attached to the batch's manager. */
    public NDArray logits(NDArray features) {
        long[] s = features.getShape().getShape();
        if (s.length != 4 || s[1] != chw[0] || s[2] != chw[1] || s[3] != chw[2])
            throw new IllegalArgumentException("classifier tail of " + backbone + " " + layer + ": features of shape "
                    + features.getShape() + ", expected (B, " + chw[0] + ", " + chw[1] + ", " + chw[2] + ")");
        JniUtils.setGradMode(false);
        NDManager owner = features.getManager();
        NDArray x = features;
        for (ZooModel<NDList, NDList> st : stages) {
            NDArray y = st.getBlock().forward(ps, new NDList(x), false).singletonOrThrow();
            y.attach(owner);
            if (x != features) x.close();
            x = y;
        }
        NDArray logits = head.logits(x, null);
        logits.attach(owner);
        return logits;
    }

    /** Softmax probabilities (B,K) of a (B,C,H,W) batch. */
    public NDArray probs(NDArray features) {
        NDArray l = logits(features);
        NDArray p = l.softmax(1);
        l.close();
        return p;
    }

    @Override
    public void close() {
        for (ZooModel<NDList, NDList> m : stages) m.close();
        stages.clear();
        manager.close();
    }
}
