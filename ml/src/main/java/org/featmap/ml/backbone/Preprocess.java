package org.featmap.ml.backbone;

import org.featmap.ml.images.PillowResample;
import org.featmap.ml.images.RgbImage;

/**
 * The eval preprocessing of spec §3.2: torchvision Resize(shorter side) on a PIL image (Pillow
 * bilinear, §3.6) + CenterCrop, ToTensor (value/255 in float32) and Normalize(mean, std) in float32,
 * giving CHW float32 exactly as torchvision computes it.
 */
public record Preprocess(int resize, int crop, float[] mean, float[] std) {

    public static Preprocess of(BackboneManifest m) {
        float[] mean = new float[3], std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) m.mean()[c];
            std[c] = (float) m.std()[c];
        }
        return new Preprocess(m.inputSize(), m.crop(), mean, std);
    }

    /** Resize(shorter side = resize) + CenterCrop(crop) on 8-bit RGB, as torchvision on a PIL image. */
    public RgbImage resizeAndCrop(RgbImage img) {
        int w = img.width(), h = img.height();
        // torchvision Resize(int): short side = size, long side = int(size * long / short); no-op if unchanged
        int nw, nh;
        if (w <= h) {
            nw = resize;
            nh = (int) ((long) resize * h / w);
        } else {
            nh = resize;
            nw = (int) ((long) resize * w / h);
        }
        RgbImage r = (nw == w && nh == h) ? img : PillowResample.resize(img, nw, nh, PillowResample.Filter.BILINEAR);
        if (r.width() < crop || r.height() < crop)
            throw new IllegalArgumentException("image " + r.width() + "x" + r.height() + " smaller than crop " + crop);
        if (r.width() == crop && r.height() == crop) return r;
        int left = roundHalfEven((r.width() - crop) / 2.0), top = roundHalfEven((r.height() - crop) / 2.0);
        byte[] out = new byte[crop * crop * 3];
        for (int y = 0; y < crop; y++)
            System.arraycopy(r.rgb(), ((top + y) * r.width() + left) * 3, out, y * crop * 3, crop * 3);
        return new RgbImage(crop, crop, out);
    }

    /** spec §1.4: CenterCrop offsets use Python's round (half to even). */
    static int roundHalfEven(double v) {
        return (int) Math.rint(v);
    }

    /** Writes the normalised CHW float32 tensor of {@code img} into {@code dst[off .. off+3*crop*crop)}. */
    public void toChw(RgbImage img, float[] dst, int off) {
        RgbImage c = resizeAndCrop(img);
        int plane = crop * crop;
        byte[] rgb = c.rgb();
        for (int ch = 0; ch < 3; ch++) {
            float m = mean[ch], s = std[ch];
            int base = off + ch * plane;
            for (int i = 0; i < plane; i++) {
                float x = (rgb[i * 3 + ch] & 0xFF) / 255f; // ToTensor: float32 division
                dst[base + i] = (x - m) / s; // Normalize: sub_ then div_ in float32
            }
        }
    }

    public float[] toChw(RgbImage img) {
        float[] out = new float[3 * crop * crop];
        toChw(img, out, 0);
        return out;
    }
}
