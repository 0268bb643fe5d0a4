package org.featmap.activities.stage;

import java.io.IOException;

/**
 * An input artifact's bytes did not match its manifest's sha256 (or the file was gone) when this node
 * read it. Not retryable: the same bytes would be read again. The producing node has been un-committed,
 * so the next launch recomputes it and then this node (issue #13 item 2). The activity reports it as an
 * {@code ApplicationFailure} of type {@value #TYPE}.
 */
public final class CorruptInputException extends IOException {
    public static final String TYPE = "CorruptArtifact";
    private final String producerNodeId;

    public CorruptInputException(String producerNodeId, String message, Throwable cause) {
        super(message, cause);
        this.producerNodeId = producerNodeId;
    }

    /** The node whose output was corrupt. */
    public String producerNodeId() {
        return producerNodeId;
    }
}
