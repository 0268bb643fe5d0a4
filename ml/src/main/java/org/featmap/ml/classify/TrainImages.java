package org.featmap.ml.classify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.featmap.ml.extract.ImageFolderSamples;

/**
 * The fine-tuning images of spec §8.1 and their stratified train/validation split.
 *
 * <p>Filter (spec §8.1 / §11 B13): the reference's filter is dead code and it trains on every image of
 * the class folders; here the INTENDED filter runs: only images under a {@code direct} or
 * {@code qwen_gs_1_infsteps_10} sub-directory, excluding names containing {@code Remove_car} (Java's
 * short name of the "remove the car" edit) or the reference's {@code Remove_the_car_from_the_image}.
 */
public final class TrainImages {
    private TrainImages() {}

    public static final List<String> SOURCE_DIRS = List.of("direct", "qwen_gs_1_infsteps_10");
    public static final List<String> EXCLUDED = List.of("Remove_car", "Remove_the_car_from_the_image");

    public record Image(Path file, int classId) {}

    public record Listing(List<String> classes, List<Image> images) {}

    /** ImageFolder classes (sorted folder names) and the filtered images in ImageFolder order. */
    public static Listing list(Path augmentedTrain) throws IOException {
        if (!Files.isDirectory(augmentedTrain))
            throw new IllegalArgumentException(
                    augmentedTrain + ": augmented_train directory does not exist (run the manipulate stage)");
        List<String> classes;
        try (Stream<Path> s = Files.list(augmentedTrain)) {
            classes = s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
        List<ImageFolderSamples.Sample> all = new ArrayList<>();
        for (String src : SOURCE_DIRS) all.addAll(ImageFolderSamples.enumerate(augmentedTrain, src));
        all.sort(Comparator.comparingInt(ImageFolderSamples.Sample::classId)
                .thenComparing(ImageFolderSamples.Sample::relPath));
        List<Image> out = new ArrayList<>();
        for (ImageFolderSamples.Sample s : all) {
            String name = s.file().getFileName().toString();
            if (EXCLUDED.stream().anyMatch(name::contains)) continue;
            out.add(new Image(s.file(), s.classId()));
        }
        if (out.isEmpty())
            throw new IllegalArgumentException(
                    augmentedTrain + ": no images under " + SOURCE_DIRS + " sub-directories of the class folders");
        return new Listing(classes, out);
    }

    /** Indices of the train and validation images. */
    public record Split(int[] train, int[] val) {}

    /**
     * Stratified split with a documented rule in place of sklearn's {@code train_test_split(stratify=...)}
     * (spec §12.4: not ported). n_val = ceil(fraction·N) as sklearn; per class floor(n_val·n_c/N), the
     * remainder to the classes with the largest fractional parts (ties: lower class id), each class keeps at
     * least one training image; within a class the indices are shuffled by Fisher–Yates with
     * {@code java.util.Random(seed)} (classes in id order, one generator) and the first ones go to validation.
     */
    public static Split stratified(List<Image> images, int numClasses, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1))
            throw new IllegalArgumentException("validation fraction " + fraction + ", must be in (0, 1)");
        int n = images.size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < n; i++) byClass.get(images.get(i).classId()).add(i);
        int nVal = (int) Math.ceil(fraction * n);
        int[] alloc = new int[numClasses];
        double[] frac = new double[numClasses];
        int given = 0;
        for (int c = 0; c < numClasses; c++) {
            double exact = (double) nVal * byClass.get(c).size() / n;
            alloc[c] = (int) Math.floor(exact);
            frac[c] = exact - alloc[c];
            given += alloc[c];
        }
        Integer[] order = new Integer[numClasses];
        for (int c = 0; c < numClasses; c++) order[c] = c;
        java.util.Arrays.sort(
                order, (a, b) -> frac[a] != frac[b] ? Double.compare(frac[b], frac[a]) : Integer.compare(a, b));
        for (int k = 0; given < nVal && k < numClasses; k++) {
            int c = order[k];
            if (alloc[c] + 1 < byClass.get(c).size()) {
                alloc[c]++;
                given++;
            }
        }
        Random rng = new Random(seed);
        List<Integer> train = new ArrayList<>(), val = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            List<Integer> idx = new ArrayList<>(byClass.get(c));
            for (int i = idx.size() - 1; i > 0; i--) java.util.Collections.swap(idx, i, rng.nextInt(i + 1));
            int v = Math.min(alloc[c], Math.max(0, idx.size() - 1));
            val.addAll(idx.subList(0, v));
            train.addAll(idx.subList(v, idx.size()));
        }
        train.sort(null);
        val.sort(null);
        return new Split(
                train.stream().mapToInt(Integer::intValue).toArray(),
                val.stream().mapToInt(Integer::intValue).toArray());
    }
}
