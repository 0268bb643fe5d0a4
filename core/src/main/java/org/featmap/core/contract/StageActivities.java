package org.featmap.core.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The activity contract: one method per stage of the graph (spec §0), each computing one node or
 * returning it from the store when its manifest exists. Workers register the implementation on the
 * task queues they serve; the workflow routes each stage to its configured queue.
 *
 * <p>This is the only place {@code core} touches Temporal: the annotations, so that workflows and
 * activities share one typed contract (docs/ARCHITECTURE.md).
 */
@ActivityInterface
public interface StageActivities {
    @ActivityMethod(name = "synth")
    NodeResult synth(NodeTask task);

    @ActivityMethod(name = "manipulate")
    NodeResult manipulate(NodeTask task);

    @ActivityMethod(name = "edit")
    NodeResult edit(NodeTask task);

    @ActivityMethod(name = "extract")
    NodeResult extract(NodeTask task);

    @ActivityMethod(name = "normstats")
    NodeResult normstats(NodeTask task);

    @ActivityMethod(name = "train")
    NodeResult train(NodeTask task);

    @ActivityMethod(name = "test")
    NodeResult test(NodeTask task);

    @ActivityMethod(name = "reconstruct")
    NodeResult reconstruct(NodeTask task);

    @ActivityMethod(name = "finetune")
    NodeResult finetune(NodeTask task);

    @ActivityMethod(name = "classify")
    NodeResult classify(NodeTask task);

    @ActivityMethod(name = "classify_recon")
    NodeResult classifyRecon(NodeTask task);

    @ActivityMethod(name = "wxb")
    NodeResult wxb(NodeTask task);

    @ActivityMethod(name = "svd")
    NodeResult svd(NodeTask task);

    @ActivityMethod(name = "report")
    NodeResult report(NodeTask task);

    static NodeResult dispatch(StageActivities a, NodeTask t) {
        return switch (t.stage()) {
            case "synth" -> a.synth(t);
            case "manipulate" -> a.manipulate(t);
            case "edit" -> a.edit(t);
            case "extract" -> a.extract(t);
            case "normstats" -> a.normstats(t);
            case "train" -> a.train(t);
            case "test" -> a.test(t);
            case "reconstruct" -> a.reconstruct(t);
            case "finetune" -> a.finetune(t);
            case "classify" -> a.classify(t);
            case "classify_recon" -> a.classifyRecon(t);
            case "wxb" -> a.wxb(t);
            case "svd" -> a.svd(t);
            case "report" -> a.report(t);
            default -> throw new IllegalArgumentException("unknown stage " + t.stage());
        };
    }
}
