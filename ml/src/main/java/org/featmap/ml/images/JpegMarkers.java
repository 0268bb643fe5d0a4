package org.featmap.ml.images;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * JPEG marker segments, read only as far as the decoder needs: Pillow's {@code Image.open(p).convert("RGB")}
 * (the reference's loader) never applies an embedded ICC profile, but javax.imageio's JPEG reader converts
 * pixels of a non-sRGB profile (Adobe RGB, ...) to sRGB — up to 119 levels apart on the fixture
 * {@code decode_icc_exif.jpg}. Dropping the APP2 {@code ICC_PROFILE} segments before decoding gives the stored
 * samples, as Pillow does. EXIF (APP1) is kept: ImageIO ignores its orientation, as Pillow's convert does.
 */
final class JpegMarkers {
    private JpegMarkers() {}

    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    /** {@code jpeg} without its ICC_PROFILE segments; anything that is not a well-formed JPEG header is returned as is. */
    static byte[] withoutIccProfile(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) return jpeg;
        int p = 2;
        ByteArrayOutputStream out = null;
        int copiedTo = 0; // bytes [0, copiedTo) are in out (when out != null)
        while (p + 4 <= jpeg.length) {
            if ((jpeg[p] & 0xFF) != 0xFF) return jpeg; // not at a marker: leave it to the decoder
            int m = jpeg[p + 1] & 0xFF;
            if (m == 0xFF) {
                p++;
                continue;
            } // fill byte
            if (m == 0xDA || m == 0xD9) break; // start of scan / end of image: headers end here
            if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                p += 2;
                continue;
            } // markers without a length
            int len = (jpeg[p + 2] & 0xFF) << 8 | (jpeg[p + 3] & 0xFF);
            if (len < 2 || p + 2 + len > jpeg.length) return jpeg;
            if (m == 0xE2 && startsWith(jpeg, p + 4, len - 2, ICC)) {
                if (out == null) out = new ByteArrayOutputStream(jpeg.length);
                out.write(jpeg, copiedTo, p - copiedTo);
                copiedTo = p + 2 + len;
            }
            p += 2 + len;
        }
        if (out == null) return jpeg;
        out.write(jpeg, copiedTo, jpeg.length - copiedTo);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] a, int from, int available, byte[] prefix) {
        if (available < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (a[from + i] != prefix[i]) return false;
        return true;
    }
}
