package org.featmap.ml.images;

import java.nio.file.Path;

/** One raw dataset image: its numeric id (string, leading zeros kept, spec §1.2), split, class folder, file. */
public record SourceImage(String id, String split, String className, Path file) {}
