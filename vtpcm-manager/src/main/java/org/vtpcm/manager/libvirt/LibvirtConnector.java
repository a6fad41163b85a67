package org.vtpcm.manager.libvirt;

/** Opens connections to libvirt daemons. */
public interface LibvirtConnector {
    LibvirtHost connect(String uri);

    /** A connection that can deliver domain life-cycle events (starts libvirt's event loop once). */
    LibvirtHost connectWithEvents(String uri);
}
