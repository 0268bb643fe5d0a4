package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.activity.ActivityMethod;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.featmap.activities.stage.Handlers;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.StageActivities;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.graph.Stage;
import org.junit.jupiter.api.Test;

/**
 * Issue #17 item 1: a stage added in one place but not the others fails here, naming what it lacks: a handler
 * (Handlers), an activity method the dispatch reaches (StageActivities), a planner rule (it appears in the plan
 * of the paper's grid or of its toy version), and a place in the report (read by the report node, or listed
 * below as an intermediate whose results reach the report through the stages it feeds).
 */
class StageCompletenessTest {
    /** Stages the report does not read directly, and why. */
    static final Map<Stage, String> INTERMEDIATE = Map.of(
            Stage.SYNTH, "its images feed manipulate",
            Stage.MANIPULATE, "its images feed extract",
            Stage.EXTRACT, "its features feed normstats, train, test, classify, wxb and svd",
            Stage.NORMSTATS, "its statistics feed train and test",
            Stage.RECONSTRUCT, "its decoder feeds test",
            Stage.FINETUNE, "its head feeds classify and classify_recon");

    static List<ExperimentGraph> plans() {
        List<ExperimentGraph> out = new ArrayList<>();
        for (String c : List.of("../config/paper.yaml", "../config/paper-toy.yaml", "../config/demo.yaml"))
            out.add(Planner.plan(ConfigLoader.load(Path.of(c), new EnvExpander(Map.of()))));
        return out;
    }

    @Test
    void everyStageHasAHandlerADispatchAPlannerRuleAndAPlaceInTheReport() {
        List<String> problems = new ArrayList<>();
        Set<String> handlers = Handlers.all().keySet();
        Set<Stage> planned = EnumSet.noneOf(Stage.class);
        Set<Stage> reported = EnumSet.noneOf(Stage.class);
        for (ExperimentGraph g : plans()) {
            for (Node n : g.nodes()) planned.add(n.stage());
            Map<String, Node> byId = g.byId();
            for (Node r : g.ofStage(Stage.REPORT))
                for (Node.Input in : r.inputs())
                    reported.add(byId.get(in.nodeId()).stage());
        }
        for (Stage s : Stage.values()) {
            if (!handlers.contains(s.id())) problems.add(s.id() + ": no handler in activities' Handlers.all()");
            String reached = dispatched(s.id());
            if (!s.id().equals(reached))
                problems.add(s.id() + ": StageActivities.dispatch reaches " + reached
                        + ", not @ActivityMethod(name = \"" + s.id() + "\")");
            if (!planned.contains(s))
                problems.add(
                        s.id() + ": no planner rule (no node of it in config/paper.yaml, paper-toy.yaml or demo.yaml)");
            if (s != Stage.REPORT && !reported.contains(s) && !INTERMEDIATE.containsKey(s))
                problems.add(s.id()
                        + ": the report does not read it; add it to the report's inputs or to INTERMEDIATE here");
            if (reported.contains(s) && INTERMEDIATE.containsKey(s))
                problems.add(s.id() + ": read by the report now; take it out of INTERMEDIATE");
        }
        assertEquals(List.of(), problems);
    }

    /** The @ActivityMethod name of the method dispatch calls for a task of this stage (or what went wrong). */
    static String dispatched(String stage) {
        Set<String> called = new TreeSet<>();
        StageActivities recorder = (StageActivities) Proxy.newProxyInstance(
                StageActivities.class.getClassLoader(), new Class<?>[] {StageActivities.class}, (p, m, a) -> {
                    ActivityMethod am = m.getAnnotation(ActivityMethod.class);
                    called.add(am == null ? m.getName() + " (not an activity method)" : am.name());
                    return null;
                });
        try {
            StageActivities.dispatch(
                    recorder, new NodeTask("s", null, stage + "/x", stage, "k", "{}", List.of(), "/tmp", null));
        } catch (RuntimeException e) {
            return "nothing (" + e.getMessage() + ")";
        }
        return called.size() == 1 ? called.iterator().next() : called.toString();
    }
}
