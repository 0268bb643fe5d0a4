package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.featmap.core.contract.Progress;

/**
 * One attempt at a time in a node's work folder. A retried attempt can start on the same machine while
 * the attempt it replaces still runs (its heartbeat timed out on a loaded machine; it stops at its next
 * heartbeat): without the lock both would write the same checkpoints and outputs. The lock is an OS
 * file lock (released if the process dies) next to the folder; the waiter keeps heartbeating with the
 * checkpoint it was given, and gives up — retryably — after {@code maxWait}.
 */
final class WorkLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private WorkLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static WorkLock acquire(Path work, String nodeId, Progress progress, String checkpoint, Duration maxWait)
            throws IOException, InterruptedException {
        Files.createDirectories(work.getParent());
        // beside the folder, never deleted: removing a lock file lets a waiter lock an orphaned inode
        Path file = work.resolveSibling(work.getFileName() + ".lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    l = null; // another thread of this worker holds it
                }
                if (l != null) return new WorkLock(ch, l);
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException(nodeId + ": a previous attempt still holds " + file + " after "
                            + maxWait.toSeconds() + " s; retrying later");
                progress.report(0, -1, checkpoint);
                Thread.sleep(500);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
