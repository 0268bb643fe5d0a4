package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpochRulesTest {
    @Test
    void av11() {
        double[] val = {1.0, 0.9, 0.8995, 0.8992, 0.899, 0.8991, 0.8993, 0.8994};
        boolean[] saved = {false, true, false, true, false, true, false, false};
        EpochRules r = new EpochRules();
        double lr = 1e-4;
        for (int e = 0; e < val.length; e++) {
            EpochRules.Decision d = r.onEpochEnd(e, val[e], lr);
            assertEquals(saved[e], d.saveCheckpoint(), "save at e" + e);
            assertEquals(e == 7, d.stop(), "stop at e" + e);
            assertEquals(1e-4, d.nextLr());
            lr = d.nextLr();
        }
        assertEquals(5, r.ckptEpoch);
        assertEquals(0.8991, r.ckptBest);
        assertEquals(0.9, r.esBest);
        assertEquals(3, r.plBad);
    }

    @Test
    void plateauHalvesAfterNineBadEpochsDownToMinLr() {
        EpochRules r = new EpochRules();
        r.esPatience = 1000;
        double lr = 1e-4;
        r.onEpochEnd(0, 1.0, lr);
        for (int e = 1; e <= 8; e++) {
            lr = r.onEpochEnd(e, 1.0, lr).nextLr();
            assertEquals(1e-4, lr);
        }
        lr = r.onEpochEnd(9, 1.0, lr).nextLr();
        assertEquals(5e-5, lr, 1e-12);
        for (int i = 0; i < 200; i++) {
            lr = r.onEpochEnd(10 + i, 1.0, lr).nextLr();
        }
        assertEquals(1e-6, lr, 1e-15);
    }

    @Test
    void nonFiniteValidationStops() {
        assertTrue(new EpochRules().onEpochEnd(0, Double.NaN, 1e-4).stop());
        assertFalse(new EpochRules().onEpochEnd(0, 1.0, 1e-4).stop());
    }
}
