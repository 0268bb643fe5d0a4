package org.featmap.ml.backbone;

import java.io.IOException;
import java.nio.file.Path;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;

/**
 * Decodes an image file for extraction as torchvision's PIL loader does ({@code convert("RGB")}): the same
 * decoder as the image stages ({@link ImageCodec#decode(Path)}: no ICC profile, no EXIF orientation applied,
 * Pillow's rules for grey, palette, alpha, 16-bit and CMYK; docs/IMAGES.md).
 */
public final class FeatureImageDecoder {
    private FeatureImageDecoder() {}

    public static RgbImage decode(Path file) throws IOException {
        return ImageCodec.decode(file);
    }
}
