package org.vtpcm.manager.libvirt;

/** Opens connections to libvirt daemons. */
public interface LibvirtConnector {
    LibvirtHost connect(String uri);
}
