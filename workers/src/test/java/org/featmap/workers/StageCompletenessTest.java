package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.activities.handlers.Handlers;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;
import org.junit.jupiter.api.Test;

/**
 * Issue #17 item 1: a stage added in one place but not the others fails here, naming what it lacks: a handler
 * (Handlers), an activity type the workers answer and the committed histories know (Stage.activityType, the
 * stage's id), a planner rule (it appears in the plan of the paper's grid or of its toy version), and a place in
 * the report (read by the report node, or declared in Stage as an intermediate whose results reach the report
 * through the stages it feeds, {@link Stage#reachesTheReport()}).
 */
class StageCompletenessTest {
    /**
     * The activity types of the stages as the typed StageActivities methods of before issue #17 named them: the
     * committed histories (workflows/src/test/resources/histories) schedule these, so they never change.
     */
    static final Map<Stage, String> RECORDED_ACTIVITY_TYPES = recordedActivityTypes();

    static Map<Stage, String> recordedActivityTypes() {
        Map<Stage, String> m = new java.util.EnumMap<>(Stage.class);
        String[] names = {
            "synth",
            "manipulate",
            "edit",
            "extract",
            "normstats",
            "train",
            "test",
            "reconstruct",
            "finetune",
            "classify",
            "classify_recon",
            "wxb",
            "svd",
            "report"
        };
        for (String n : names) m.put(Stage.of(n), n);
        return m;
    }

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
            String type = s.activityType();
            if (!type.equals(RECORDED_ACTIVITY_TYPES.getOrDefault(s, s.id())))
                problems.add(s.id() + ": activity type " + type + ", not the "
                        + RECORDED_ACTIVITY_TYPES.getOrDefault(s, s.id()) + " the histories and workers know");
            if (!handlers.contains(type)) problems.add(s.id() + ": no handler answers activity type " + type);
            if (!planned.contains(s))
                problems.add(
                        s.id() + ": no planner rule (no node of it in config/paper.yaml, paper-toy.yaml or demo.yaml)");
            if (s != Stage.REPORT && !reported.contains(s) && s.reachesTheReport() == null)
                problems.add(s.id()
                        + ": the report does not read it; add it to the report's inputs or say in Stage how it reaches"
                        + " the report");
            if (reported.contains(s) && s.reachesTheReport() != null)
                problems.add(s.id() + ": read by the report now; its reachesTheReport in Stage should be null");
        }
        assertEquals(List.of(), problems);
    }
}
