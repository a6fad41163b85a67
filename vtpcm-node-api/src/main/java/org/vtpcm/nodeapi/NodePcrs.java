package org.vtpcm.nodeapi;

/**
 * The platform PCRs a node's manager measures at start and quotes: the contract between a node and
 * the engine that verifies its quotes.
 */
public final class NodePcrs {
    /** The manager's own code. */
    public static final int CODE = 11;
    /** The manager's configuration. */
    public static final int CONFIG = 12;
    /** The qemu, libvirtd and swtpm binaries. */
    public static final int BINARIES = 13;

    private NodePcrs() {
    }

    /** The PCRs every quote covers, in order. */
    public static int[] quoted() {
        return new int[] {CODE, CONFIG, BINARIES};
    }
}
