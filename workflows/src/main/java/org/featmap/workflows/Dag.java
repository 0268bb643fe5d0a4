package org.featmap.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A deterministic dependency-order runner for workflow code: launches ready units up to a bound,
 * waits for any to end, marks dependants of failed units as skipped. Iteration order is insertion
 * order, so replays make the same decisions.
 */
final class Dag<R> {
    enum State {
        PENDING,
        RUNNING,
        DONE,
        FAILED,
        SKIPPED
    }

    private final Map<String, List<String>> deps = new LinkedHashMap<>();
    private final Map<String, State> state = new LinkedHashMap<>();
    private final Map<String, String> reasons = new LinkedHashMap<>();
    private final Map<String, R> results = new LinkedHashMap<>();
    private final java.util.Set<String> soft = new java.util.HashSet<>();

    void add(String unit, List<String> unitDeps) {
        deps.put(unit, List.copyOf(unitDeps));
        state.put(unit, State.PENDING);
    }

    /** A unit that runs once its inputs have ended, however they ended (the report: it marks what is missing). */
    void addSoft(String unit, List<String> unitDeps) {
        add(unit, unitDeps);
        soft.add(unit);
    }

    /** Marks a unit done without running it (a cache hit). */
    void done(String unit, R result) {
        state.put(unit, State.DONE);
        results.put(unit, result);
    }

    State state(String unit) {
        return state.get(unit);
    }

    String reason(String unit) {
        return reasons.get(unit);
    }

    R result(String unit) {
        return results.get(unit);
    }

    /**
     * Runs everything. {@code launch} starts a unit and returns its promise; {@code onEnd} is told of
     * each unit's end (for progress).
     */
    void run(int maxInFlight, Function<String, Promise<R>> launch, Runnable onChange) {
        Map<String, Promise<R>> running = new LinkedHashMap<>();
        while (true) {
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Map.Entry<String, State> e : state.entrySet()) {
                    if (e.getValue() != State.PENDING) continue;
                    String blocked = blockedBy(e.getKey());
                    if (blocked != null) {
                        e.setValue(State.SKIPPED);
                        reasons.put(e.getKey(), "skipped: input " + blocked + " did not finish");
                        changed = true;
                    }
                }
            }
            for (Map.Entry<String, State> e : state.entrySet()) {
                if (running.size() >= maxInFlight) break;
                if (e.getValue() == State.PENDING && ready(e.getKey())) {
                    e.setValue(State.RUNNING);
                    running.put(e.getKey(), launch.apply(e.getKey()));
                }
            }
            onChange.run();
            if (running.isEmpty()) break;
            try {
                Promise.anyOf(running.values()).get();
            } catch (CanceledFailure c) {
                throw c;
            } catch (RuntimeException ignored) {
                // a unit failed; its promise is inspected below
            }
            List<String> ended = new ArrayList<>();
            for (Map.Entry<String, Promise<R>> e : running.entrySet())
                if (e.getValue().isCompleted()) ended.add(e.getKey());
            for (String u : ended) {
                Promise<R> p = running.remove(u);
                RuntimeException failure = p.getFailure();
                if (failure == null) {
                    state.put(u, State.DONE);
                    results.put(u, p.get());
                } else {
                    if (failure instanceof CanceledFailure c) throw c;
                    state.put(u, State.FAILED);
                    reasons.put(u, describe(failure));
                }
            }
        }
    }

    private boolean ready(String unit) {
        for (String d : deps.get(unit)) {
            State s = state.get(d);
            if (s == State.DONE) continue;
            if (soft.contains(unit) && (s == State.FAILED || s == State.SKIPPED)) continue;
            return false;
        }
        return true;
    }

    private String blockedBy(String unit) {
        if (soft.contains(unit)) return null;
        for (String d : deps.get(unit)) {
            State s = state.get(d);
            if (s == State.FAILED || s == State.SKIPPED) return d;
        }
        return null;
    }

    /** The innermost application message: what the activity said, in one line. */
    static String describe(Throwable t) {
        Throwable c = t;
        String msg = null;
        while (c != null) {
            if (c instanceof ApplicationFailure af) msg = af.getOriginalMessage();
            else if (c instanceof TemporalFailure tf
                    && msg == null
                    && !(c instanceof ActivityFailure)
                    && !(c instanceof ChildWorkflowFailure)) msg = tf.getOriginalMessage();
            c = c.getCause();
        }
        if (msg == null) msg = t.getMessage();
        return msg == null
                ? t.getClass().getSimpleName()
                : msg.replaceAll("\\s+", " ").trim();
    }
}
