package org.featmap.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConfigLocatorTest {
    static final String YAML = """
      sweep:
        name: x
      backbones:
        - name: convnext
          export: models/c
          layers: [feat0, feat3]
        - {name: swinv2, export: models/s, layers: [feat0]}
      test:
        enabled: true
      """;

    @Test
    void namesTheLineOfAKeyOrItsClosestWrittenParent() {
        ConfigLocator l = ConfigLocator.of("c.yaml", YAML);
        assertEquals(5, l.line("backbones[0].export"));
        assertEquals(6, l.line("backbones[0].layers[1]"));
        assertEquals(7, l.line("backbones[1].export"));
        assertEquals(8, l.line("test.lpips_export"), "a default: the section's line");
        assertEquals("c.yaml:5: backbones[0].export: gone", l.format("backbones[0].export", "gone"));
        assertEquals("c.yaml:1: nope: x", l.format("nope", "x"));
        assertEquals("c.yaml: k: p", ConfigLocator.none("c.yaml").format("k", "p"));
    }
}
