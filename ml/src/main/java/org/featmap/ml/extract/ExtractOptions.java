package org.featmap.ml.extract;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.featmap.core.contract.Progress;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;

/**
 * Inputs of one extraction (spec §3.4): one backbone × dataset × split × source folder.
 *
 * @param imagesDir the {@code images/augmented_<split>} folder (ImageFolder root)
 * @param sourceFolder manipulation model dir kept, e.g. {@code direct} or {@code qwen_gs_1_infsteps_10}
 * @param outDir feature stores are written to {@code outDir/<layer>/}
 * @param layers layer names (e.g. feat0..feat3), empty = all layers of the backbone
 * @param threads libtorch intra-op threads, 0 = leave libtorch's default
 */
public record ExtractOptions(
        Path backboneDir,
        Path imagesDir,
        String sourceFolder,
        Path outDir,
        List<String> layers,
        String dataset,
        String split,
        int batchSize,
        int rowsPerShard,
        FeatureDType dtype,
        FeatureCompression compression,
        Device device,
        int threads,
        Progress progress) {

    public ExtractOptions {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize " + batchSize + ", must be > 0");
        if (rowsPerShard <= 0) throw new IllegalArgumentException("rowsPerShard " + rowsPerShard + ", must be > 0");
        layers = layers == null ? List.of() : List.copyOf(layers);
        progress = progress == null ? Progress.NONE : progress;
        device = device == null ? Device.cpu() : device;
    }

    /** Defaults: source {@code direct}, all layers, batch 16, 512 rows per shard, float32, no compression, CPU. */
    public static ExtractOptions of(Path backboneDir, Path imagesDir, Path outDir) {
        return new ExtractOptions(
                backboneDir,
                imagesDir,
                "direct",
                outDir,
                List.of(),
                "dataset",
                "train",
                16,
                512,
                FeatureDType.FLOAT32,
                FeatureCompression.NONE,
                Device.cpu(),
                0,
                Progress.NONE);
    }

    public ExtractOptions withLayers(List<String> l) {
        return new ExtractOptions(
                backboneDir,
                imagesDir,
                sourceFolder,
                outDir,
                l,
                dataset,
                split,
                batchSize,
                rowsPerShard,
                dtype,
                compression,
                device,
                threads,
                progress);
    }

    public ExtractOptions withBatch(int batch, int shardRows) {
        return new ExtractOptions(
                backboneDir,
                imagesDir,
                sourceFolder,
                outDir,
                layers,
                dataset,
                split,
                batch,
                shardRows,
                dtype,
                compression,
                device,
                threads,
                progress);
    }

    public ExtractOptions withStorage(FeatureDType d, FeatureCompression c) {
        return new ExtractOptions(
                backboneDir,
                imagesDir,
                sourceFolder,
                outDir,
                layers,
                dataset,
                split,
                batchSize,
                rowsPerShard,
                d,
                c,
                device,
                threads,
                progress);
    }

    public ExtractOptions withSource(String dataset, String split, String source) {
        return new ExtractOptions(
                backboneDir,
                imagesDir,
                source,
                outDir,
                layers,
                dataset,
                split,
                batchSize,
                rowsPerShard,
                dtype,
                compression,
                device,
                threads,
                progress);
    }

    public ExtractOptions withRuntime(Device d, int nThreads, Progress p) {
        return new ExtractOptions(
                backboneDir,
                imagesDir,
                sourceFolder,
                outDir,
                layers,
                dataset,
                split,
                batchSize,
                rowsPerShard,
                dtype,
                compression,
                d,
                nThreads,
                p);
    }
}
