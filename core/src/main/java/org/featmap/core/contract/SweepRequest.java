package org.featmap.core.contract;

import java.util.Map;
import org.featmap.core.config.SweepConfig;

/**
 * The start argument of a sweep: the resolved config (environment already expanded, no secrets)
 * and the fingerprints of what it points to. The workflow plans from exactly this.
 */
public record SweepRequest(SweepConfig config, Map<String, String> fingerprints, boolean tracking) {
  public SweepRequest {
    fingerprints = Map.copyOf(fingerprints);
  }
}
