package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.Test;

class TrackingTest {
    /** --mlflow off wins over the config's URI and over infra/local's server, and says so in its one line. */
    @Test
    void offTracksNothingWhateverElseIsSet() {
        for (String flag : new String[] {"off", "OFF", " off "}) {
            Tracking t = Tracking.choose(flag, "http://127.0.0.1:1");
            assertSame(Tracker.NONE, t.tracker());
            assertEquals("tracking: off (--mlflow off)", t.message());
        }
    }
}
