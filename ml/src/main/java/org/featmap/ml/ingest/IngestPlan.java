package org.featmap.ml.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an official download holds, read from its annotation files: every image with a numeric id unique over
 * the dataset, its split of the official train/test split and its 1-based class; the class names in class-id
 * order. {@link IngestWriter} lays it out as spec §1.2 wants.
 *
 * @param dataset e.g. CUB_200_2011
 * @param read the annotation files it came from (for messages and ingest.csv)
 */
public record IngestPlan(String dataset, String read, List<String> classNames, List<Item> items) {

    /** One image: id (unique), split ("train"/"test"), class (1-based index into classNames), source file. */
    public record Item(int id, String split, int classIndex, Path source) {}

    public IngestPlan {
        classNames = List.copyOf(classNames);
        items = List.copyOf(items);
    }

    /** Examples listed in a message before the rest are only counted. */
    static final int EXAMPLES = 3;

    /**
     * Checks what the annotations promise before anything is written: ids unique, classes in range, both splits
     * present, every image file there. Throws one IOException naming the annotation file and what is wrong.
     */
    public IngestPlan validate() throws IOException {
        if (classNames.isEmpty()) throw new IOException(read + ": no class names");
        Set<Integer> ids = new HashSet<>();
        List<String> missing = new ArrayList<>();
        int train = 0, test = 0;
        for (Item it : items) {
            if (it.id() <= 0 || !ids.add(it.id()))
                throw new IOException(read + ": image id " + it.id() + " is not a unique positive number");
            if (it.classIndex() < 1 || it.classIndex() > classNames.size())
                throw new IOException(
                        read + ": image " + it.id() + " (" + it.source().getFileName() + ") has class "
                                + it.classIndex() + "; allowed 1.." + classNames.size() + " (the class names listed)");
            if (it.split().equals("train")) train++;
            else if (it.split().equals("test")) test++;
            else
                throw new IOException(
                        read + ": image " + it.id() + " has split '" + it.split() + "'; allowed train, test");
            if (!Files.isRegularFile(it.source())) missing.add(it.source().toString());
        }
        if (!missing.isEmpty())
            throw new IOException(missing.size() + " image" + (missing.size() == 1 ? "" : "s") + " listed in " + read
                    + " "
                    + (missing.size() == 1 ? "is" : "are") + " missing: "
                    + String.join(", ", missing.subList(0, Math.min(EXAMPLES, missing.size())))
                    + (missing.size() > EXAMPLES ? ", ..." : "")
                    + " (was the image archive unpacked next to the annotations?)");
        if (train == 0 || test == 0)
            throw new IOException(
                    read + ": " + train + " train and " + test + " test images; the official split has both");
        return this;
    }

    public long count(String split) {
        return items.stream().filter(i -> i.split().equals(split)).count();
    }
}
