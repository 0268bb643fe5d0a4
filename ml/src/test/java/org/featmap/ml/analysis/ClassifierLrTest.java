package org.featmap.ml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassifierLrTest {
    @Test
    void av12() {
        double[] exp = {
            1.000000e-03,
            9.046040e-04,
            6.548540e-04,
            3.461460e-04,
            9.639601e-05,
            1.000000e-03,
            9.755527e-04,
            9.046040e-04,
            7.940987e-04,
            6.548540e-04,
            5.005000e-04,
            3.461460e-04,
            2.069013e-04,
            9.639601e-05,
            2.544727e-05
        };
        for (int e = 0; e < exp.length; e++)
            assertEquals(exp[e], ClassifierLr.SPEC.lrAtEpoch(e), exp[e] * 1e-6, "epoch " + e);
        assertEquals(1e-3, ClassifierLr.SPEC.lrAtEpoch(15), 1e-15); // third cycle starts at 5 + 10
    }
}
