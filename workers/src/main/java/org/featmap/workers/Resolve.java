package org.featmap.workers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.config.SweepConfig.*;

/** Makes a config's relative paths absolute (against the current folder) so workers elsewhere find them. */
final class Resolve {
    private Resolve() {}

    static String abs(String p) {
        if (p == null || p.startsWith("s3://") || p.startsWith("file:")) return p;
        return Path.of(p).toAbsolutePath().normalize().toString();
    }

    static SweepConfig absolute(SweepConfig c, String storeOverride) {
        Sweep s = c.sweep();
        Sweep sweep = new Sweep(
                s.name(),
                abs(storeOverride != null ? storeOverride : s.store()),
                s.maxInFlight(),
                s.queues(),
                s.heartbeatSeconds());
        List<Dataset> ds = new ArrayList<>();
        for (Dataset d : c.datasets()) {
            Edits e = d.edits();
            Edits edits = new Edits(
                    e.enabled(),
                    e.mode(),
                    abs(e.importDir()),
                    e.prompts(),
                    e.imagesPerClassTrain(),
                    e.imagesPerClassTest(),
                    e.steps(),
                    e.trueCfgScale(),
                    e.seed(),
                    e.hfTokenEnv());
            ds.add(new Dataset(
                    d.name(),
                    abs(d.root()),
                    d.numClasses(),
                    d.synthetic(),
                    edits,
                    d.groups(),
                    d.trainImages(),
                    d.testImages()));
        }
        List<Backbone> bbs = new ArrayList<>();
        for (Backbone b : c.backbones()) bbs.add(new Backbone(b.name(), abs(b.export()), b.layers(), b.normalize()));
        Test t = c.test();
        Test test = new Test(
                t.enabled(),
                t.subsetSize(),
                t.batchSize(),
                t.reconstructor(),
                abs(t.featinvExport()),
                t.spatialOnly(),
                abs(t.lpipsExport()));
        return new SweepConfig(
                c.sourceFile(),
                sweep,
                ds,
                c.images(),
                bbs,
                c.features(),
                c.training(),
                test,
                c.reconstruct(),
                c.classify(),
                c.analysis(),
                c.report(),
                c.tracking());
    }
}
