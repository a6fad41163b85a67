package org.vtpcm.manager.libvirt;

/**
 * Whether the local libvirtd has decided that an outgoing migration succeeded: it entered the
 * Confirm phase with success (the destination's Finish returned the domain), so it will only stop
 * the source's QEMU and never resume the guest here. That decision comes 1-2 s before the migrate
 * call returns, which is spent stopping QEMU.
 */
public interface SourceConfirmation {
    /** True once the outgoing migration of {@code domainName} is past the point of no return at this source. */
    boolean confirmed(String domainName);
}
