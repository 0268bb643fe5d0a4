package org.featmap.activities.tracking;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private final SecretScrubber scrubber = new SecretScrubber(Map.of(
            "AWS_SECRET_ACCESS_KEY",
            AWS_SECRET,
            "MY_SERVICE_PASSWORD",
            "hunter2hunter2",
            "HOME",
            "/root/home",
            "CI",
            "true"));

    @Test
    void secretNamesAreRefused() {
        for (String key : List.of(
                "HF_TOKEN",
                "hf_token",
                "aws_secret_access_key",
                "AWS_ACCESS_KEY_ID",
                "db.password",
                "apiKey",
                "mlflowTrackingToken",
                "client_secret",
                "private_key")) {
            assertTrue(SecretScrubber.isSecretName(key), key);
            assertThrows(SecretLeakException.class, () -> scrubber.check("param", key, "x"), key);
        }
        for (String key : List.of(
                "max_tokens",
                "tokenizer",
                "lr",
                "secretary_count",
                "keyword",
                "backbone",
                "author",
                "featmap.cellKey")) {
            assertFalse(SecretScrubber.isSecretName(key), key);
        }
    }

    @Test
    void secretValuesAreRefusedWithoutEchoingThem() {
        var e = assertThrows(
                SecretLeakException.class, () -> scrubber.check("param", "endpoint", "s3://b?k=" + AWS_SECRET));
        assertFalse(e.getMessage().contains(AWS_SECRET), e.getMessage());
        assertTrue(e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
        assertThrows(SecretLeakException.class, () -> scrubber.check("tag", "note", "hunter2hunter2"));
        assertThrows(SecretLeakException.class, () -> scrubber.check("tag", "note", "AKIAIOSFODNN7EXAMPLE"));
        assertThrows(
                SecretLeakException.class,
                () -> scrubber.check("tag", "note", "hf_abcdefghijklmnopqrstuvwxyz0123456789"));
        // values of ordinary variables and short coincidences pass
        assertDoesNotThrow(() -> scrubber.check("param", "home", "/root/home"));
        assertDoesNotThrow(() -> scrubber.check("param", "ci", "true"));
    }
}
