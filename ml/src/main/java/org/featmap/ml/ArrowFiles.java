package org.featmap.ml;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/** Small Arrow IPC files written whole (a stage's table of results): one record batch, through {@link AtomicFiles}. */
public final class ArrowFiles {
    private ArrowFiles() {}

    /** Writes the root's rows as the file's only record batch; readers see the old file or the new one. */
    public static void writeOneBatch(VectorSchemaRoot root, Path file) throws IOException {
        AtomicFiles.writeVia(file, tmp -> {
            try (FileChannel ch = FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                    ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
                w.start();
                w.writeBatch();
                w.end();
            }
        });
    }
}
