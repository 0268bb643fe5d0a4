/**
 * The artifact store's implementations: a local folder and S3 (streaming multipart transfers on the CRT client,
 * retried), the manifest's JSON form, path validation and the transient-error type.
 *
 * <p>Layer: activities; implements {@code org.featmap.core.store.ArtifactStore}.
 */
package org.featmap.activities.store;
