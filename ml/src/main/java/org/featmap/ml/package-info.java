/**
 * What every compute package shares: tensors from Java data, the compute device through which every manager, model and
 * module is allocated, TorchScript loading, the engine's reseeded random generator, resumable epoch checkpoints,
 * and files and small Arrow tables written whole (atomic rename).
 *
 * <p>Layer: ml, the compute; no Temporal, no store, no tracking.
 */
package org.featmap.ml;
