package org.featmap.activities.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;

/** The download's hash on its own thread: every byte written is hashed once, in order, across a resume. */
class BackgroundDigestTest {
    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void hashesWhatItCopiesInOrder() throws IOException {
        byte[] data = random(5 * (1 << 20) + 12345); // more buffers than are in flight
        var out = new ByteArrayOutputStream();
        try (BackgroundDigest d = new BackgroundDigest()) {
            d.copy(new ByteArrayInputStream(data), out, data.length);
            assertEquals(data.length, d.copied());
            assertEquals(Sha256.hex(data), d.hex());
        }
        assertArrayEquals(data, out.toByteArray());
    }

    @Test
    void aReadCutOffMidwayResumesRightAfterWhatWasWritten() throws IOException {
        byte[] data = random(3 * (1 << 20) + 7);
        int cut = (1 << 20) + (1 << 19); // inside the second buffer: its half-read bytes are not counted
        InputStream failing = new InputStream() {
            private final InputStream in = new ByteArrayInputStream(data, 0, cut);

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, Math.min(len, 1 << 16));
                if (n < 0) throw new IOException("connection reset");
                return n;
            }
        };
        var out = new ByteArrayOutputStream();
        try (BackgroundDigest d = new BackgroundDigest()) {
            assertThrows(IOException.class, () -> d.copy(failing, out, data.length));
            long resumeAt = d.copied();
            assertEquals(1 << 20, resumeAt);
            d.copy(new ByteArrayInputStream(data, (int) resumeAt, data.length - (int) resumeAt), out, data.length);
            assertEquals(data.length, d.copied());
            assertEquals(Sha256.hex(data), d.hex());
        }
        assertArrayEquals(data, out.toByteArray());
    }

    @Test
    void stopsOnceLongerThanTheLimit() throws IOException {
        byte[] data = random(4 * (1 << 20));
        var out = new ByteArrayOutputStream();
        try (BackgroundDigest d = new BackgroundDigest()) {
            d.copy(new ByteArrayInputStream(data), out, 10);
            assertEquals(1 << 20, d.copied()); // one buffer past the limit, not the whole stream
            assertEquals(Sha256.hex(Arrays.copyOf(data, 1 << 20)), d.hex());
        }
    }
}
