package org.vtpcm.engine.journal;

/** The VM migration's progress in bytes of guest state, with a rate and an estimate of what is left. */
public record VmProgress(long dataTotal, long dataProcessed, long dataRemaining, long bytesPerSecond, Long etaSeconds) {
}
