package org.vtpcm.nodeapi;

/**
 * A running job's progress as libvirt reports it (bytes of guest state for a migration).
 *
 * @param elapsedMillis time since the job started
 * @param dataTotal bytes to transfer, as currently estimated (grows when pages are dirtied again)
 * @param dataProcessed bytes transferred so far
 * @param dataRemaining bytes still to transfer
 */
public record JobProgress(long elapsedMillis, long dataTotal, long dataProcessed, long dataRemaining) {
}
