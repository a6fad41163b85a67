package org.vtpcm.engine.journal;

/**
 * What the requester asked for.
 *
 * @param strategy target selection strategy name
 * @param parallel multifd connections (1 = one stream)
 * @param compress compress guest memory in transit
 * @param tls QEMU's migration stream over TLS with the cloud CA's certificates
 * @param verifyBeforeResume keep the VM paused at the destination until the state digests match
 * @param bandwidthMiBs cap of the VM migration's bandwidth, 0 = none
 */
public record MigrationOptions(String strategy, int parallel, boolean compress, boolean tls, boolean verifyBeforeResume,
        long bandwidthMiBs) {
}
