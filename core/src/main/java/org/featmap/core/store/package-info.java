/**
 * The content-keyed artifact store as the contract sees it: the {@link org.featmap.core.store.ArtifactStore} interface,
 * references to stored files, the node manifest that commits a node, and sha256 helpers. The local and S3
 * implementations live in {@code org.featmap.activities.store}.
 *
 * <p>Layer: core, the contract; no store I/O here (its callers hash files with {@code Sha256}).
 */
package org.featmap.core.store;
