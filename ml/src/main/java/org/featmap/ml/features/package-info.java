/**
 * The Arrow feature store (spec §3.5 re-done; issue #4).
 *
 * <p>One directory per (backbone, layer, dataset, split, source folder), written by
 * {@link org.featmap.ml.features.FeatureStoreWriter}:
 * <pre>
 *   part-00000.arrow   Arrow IPC file, ≤ rowsPerShard rows, one record batch per extraction batch;
 *                      columns sample_id:int32, original_id:utf8, class_id:int32, manipulation:utf8,
 *                      path:utf8, feature:FixedSizeBinary(C·H·W·bytes) (little-endian float32|float16,
 *                      CHW); schema metadata featmap.shape/layout/dtype/byte_order/backbone/layer/...
 *                      Buffers optionally ZSTD or LZ4_FRAME compressed (Arrow IPC codecs).
 *   part-00000.json    the shard's row index (metadata columns + record-batch sizes), written before
 *                      the shard is renamed from .tmp: a store opens without reading feature bytes.
 *   store.json         written last: the store is complete (readers refuse a store without it).
 * </pre>
 * A crash leaves only complete shards visible; re-opening the writer deletes *.tmp and resumes at the
 * shard index's {@code next_sample_id}.
 *
 * <p>Why FixedSizeBinary and not FixedSizeList&lt;float&gt;: a row is one contiguous byte range in a
 * single buffer (no child vector, no per-element validity), it holds float16 as well (Arrow Java
 * has no float16 vector writer), and it is copied with one memcpy.
 *
 * <p>One copy into DJL: {@link org.featmap.ml.features.FeatureStoreReader#readRows} copies each row
 * from the (decompressed) Arrow buffer into one direct ByteBuffer laid out as (n,C,H,W);
 * PyTorch's {@code NDManager.create(directByteBuffer, ...)} wraps that memory without copying
 * (PtNDArray keeps the buffer alive). float16 rows are then widened to float32 by libtorch.
 *
 * <p>JVM flag: Arrow memory on Java 17 needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED}
 * (set for ml's surefire; workers and the CLI must pass it too).
 */
package org.featmap.ml.features;
