package org.featmap.ml.images;

import java.util.Locale;

/** Output encoding of stage images: the reference's JPEG q75 (spec §1.5) or lossless PNG (spec §12.3). */
public enum ImageFormat {
    JPG("jpg"),
    PNG("png");

    private final String extension;

    ImageFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** Parses "jpg", "jpeg" or "png" (any case). */
    public static ImageFormat parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "jpg", "jpeg" -> JPG;
            case "png" -> PNG;
            default -> throw new IllegalArgumentException("image format '" + name + "' is not one of: jpg, png");
        };
    }

    /** The format of a file extension, or null if it is neither. */
    public static ImageFormat parseOrNull(String ext) {
        String n = ext.toLowerCase(Locale.ROOT);
        return n.equals("jpg") || n.equals("jpeg") ? JPG : n.equals("png") ? PNG : null;
    }
}
