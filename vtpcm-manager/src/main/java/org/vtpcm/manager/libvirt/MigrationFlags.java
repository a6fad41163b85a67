package org.vtpcm.manager.libvirt;

import org.libvirt.Domain;

/** The libvirt migration flags we use, each with the reason we use it. */
public final class MigrationFlags {
    /** Keep the guest running during pre-copy: a live migration. */
    public static final int LIVE = Domain.MigrateFlags.LIVE;
    /** The source libvirtd talks to the destination directly; the caller only starts it. */
    public static final int PEER2PEER = Domain.MigrateFlags.PEER2PEER;
    /** Encrypt QEMU's stream: QEMU sends the TPM state blobs decrypted inside it. */
    public static final int TLS = Domain.MigrateFlags.TLS;
    /** multifd: several connections carry memory pages in parallel. */
    public static final int PARALLEL = Domain.MigrateFlags.PARALLEL;
    /** Compress pages (zlib in multifd mode). */
    public static final int COMPRESSED = Domain.MigrateFlags.COMPRESSED;
    /** Do not resume at the destination: lets us verify the vTPCM state before the guest runs. */
    public static final int PAUSED = Domain.MigrateFlags.PAUSED;
    /**
     * Once the migration succeeded, libvirt removes the source's definition itself when it has stopped
     * QEMU there: the commit erases the source's vTPCM at the switchover without waiting 1-2 s for that.
     */
    public static final int UNDEFINE_SOURCE = Domain.MigrateFlags.UNDEFINE_SOURCE;
    /** Abort rather than continue when a disk or other error occurs. */
    public static final int ABORT_ON_ERROR = Domain.MigrateFlags.ABORT_ON_ERROR;

    private MigrationFlags() {
    }

    /** The flag word for a live peer-to-peer migration with these options. */
    public static int forOptions(MigrationOptions options) {
        int flags = LIVE | PEER2PEER | ABORT_ON_ERROR | UNDEFINE_SOURCE;
        if (options.tls()) {
            flags |= TLS;
        }
        if (options.parallelConnections() > 1) {
            flags |= PARALLEL;
        }
        if (options.compress()) {
            flags |= COMPRESSED;
        }
        if (options.paused()) {
            flags |= PAUSED;
        }
        return flags;
    }
}
