package org.vtpcm.manager.libvirt;

/**
 * How a live migration is carried out.
 *
 * @param parallelConnections number of multifd connections; 1 means a single stream
 * @param compress compress the memory stream (multifd zlib when parallel, else xbzrle-free default)
 * @param tls protect the QEMU stream with TLS (needs QEMU TLS certificates on both nodes)
 * @param paused leave the guest paused at the destination (verify-before-resume)
 * @param bandwidthMiBs cap in MiB/s; 0 lifts QEMU's 32 MiB/s default cap
 */
public record MigrationOptions(int parallelConnections, boolean compress, boolean tls, boolean paused, long bandwidthMiBs) {
    public MigrationOptions {
        if (parallelConnections < 1 || parallelConnections > 64) {
            throw new IllegalArgumentException("parallelConnections must be 1..64, got " + parallelConnections);
        }
        if (bandwidthMiBs < 0) {
            throw new IllegalArgumentException("bandwidthMiBs must not be negative, got " + bandwidthMiBs);
        }
    }

    /** Single stream, no compression, no TLS, resume at once, no bandwidth cap. */
    public static MigrationOptions defaults() {
        return new MigrationOptions(1, false, false, false, 0);
    }
}
