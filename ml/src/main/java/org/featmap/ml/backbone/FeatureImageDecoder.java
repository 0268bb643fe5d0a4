package org.featmap.ml.backbone;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.featmap.ml.images.RgbImage;

/**
 * Decodes an image file to 8-bit RGB (torchvision's PIL loader: convert("RGB")) with javax.imageio.
 * Stand-in until org.featmap.ml.images.ImageCodec lands; the lead swaps it at merge (spec §12.3:
 * ImageIO's JPEG decoder may differ from libjpeg-turbo by ±1–2 levels).
 */
public final class FeatureImageDecoder {
  private FeatureImageDecoder() {}

  public static RgbImage decode(Path file) throws IOException {
    BufferedImage bi;
    try {
      bi = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": cannot decode image: " + e.getMessage(), e);
    }
    if (bi == null) throw new IOException(file + ": cannot decode image: no ImageIO reader for this format");
    int w = bi.getWidth(), h = bi.getHeight();
    RgbImage fast = fromRaster(bi, w, h);
    if (fast != null) return fast;
    int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      rgb[i * 3] = (byte) (p >> 16);
      rgb[i * 3 + 1] = (byte) (p >> 8);
      rgb[i * 3 + 2] = (byte) p;
    }
    return new RgbImage(w, h, rgb);
  }

  /** Reads 8-bit BGR / gray rasters directly: getRGB's per-pixel colour-model path is ~10x slower. */
  private static RgbImage fromRaster(BufferedImage bi, int w, int h) {
    if (!(bi.getRaster().getDataBuffer() instanceof DataBufferByte db) || db.getNumBanks() != 1) return null;
    if (bi.getRaster().getParent() != null || bi.getRaster().getSampleModelTranslateX() != 0
        || bi.getRaster().getSampleModelTranslateY() != 0) return null;
    byte[] src = db.getData();
    byte[] rgb = new byte[w * h * 3];
    if (bi.getType() == BufferedImage.TYPE_3BYTE_BGR && src.length == rgb.length) {
      for (int i = 0; i < rgb.length; i += 3) {
        rgb[i] = src[i + 2];
        rgb[i + 1] = src[i + 1];
        rgb[i + 2] = src[i];
      }
      return new RgbImage(w, h, rgb);
    }
    if (bi.getType() == BufferedImage.TYPE_BYTE_GRAY && src.length == w * h) {
      for (int i = 0; i < src.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = src[i]; // PIL convert("RGB") of L
      return new RgbImage(w, h, rgb);
    }
    return null;
  }
}
