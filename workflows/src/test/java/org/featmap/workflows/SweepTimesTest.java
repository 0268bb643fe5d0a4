package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** busy = union of the computing intervals, span = first start to last end (what `featmap run` splits its overhead by). */
class SweepTimesTest {
    private static CellWorkflow.Interval iv(long start, long millis) {
        return new CellWorkflow.Interval(start, millis);
    }

    @Test
    void overlappingAndDisjointIntervals() {
        List<CellWorkflow.Interval> l = List.of(iv(100, 50), iv(120, 10), iv(140, 30), iv(300, 20));
        assertEquals(70 + 20, SweepWorkflowImpl.busy(l)); // [100,170) and [300,320)
        assertEquals(220, SweepWorkflowImpl.span(l)); // 100 → 320
    }

    @Test
    void nothingComputed() {
        assertEquals(0, SweepWorkflowImpl.busy(List.of()));
        assertEquals(0, SweepWorkflowImpl.span(List.of()));
    }
}
