package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DdimScheduleTest {
    @Test
    void av19() {
        DdimSchedule s = new DdimSchedule(50);
        int[] ts = s.timesteps();
        assertEquals(50, ts.length);
        assertEquals(1, ts[0]);
        assertEquals(21, ts[1]);
        assertEquals(981, ts[49]);
        assertEquals(0.99915, s.alphaCumprod(0), 1e-15);
        assertEquals(0.9982960278384514, s.alphaCumprod(1), 1e-15);
        assertEquals(0.007281727140942984, s.alphaCumprod(961), 1e-15);
        assertEquals(0.005775500139495751, s.alphaCumprod(981), 1e-15);
        assertEquals(0.004660098513077238, s.alphaCumprod(999), 1e-15);
        DdimSchedule.Step first = s.step(0);
        assertEquals(981, first.t());
        assertEquals((float) 0.005775500139495751, first.alpha());
        assertEquals((float) 0.007281727140942984, first.alphaPrev());
        DdimSchedule.Step last = s.step(49);
        assertEquals(1, last.t());
        assertEquals((float) 0.9982960278384514, last.alpha());
        assertEquals((float) 0.99915, last.alphaPrev());
        assertThrows(IllegalArgumentException.class, () -> new DdimSchedule(7));
    }
}
