package org.vtpcm.nodeapi;

/** The run state of a domain on one host, as libvirt reports it, reduced to what we act on. */
public enum DomainState {
    RUNNING,
    PAUSED,
    SHUT_OFF,
    CRASHED,
    OTHER;

    /** True while the guest's vCPUs may run or are about to run on this host. */
    public boolean isActive() {
        return this == RUNNING || this == PAUSED;
    }
}
