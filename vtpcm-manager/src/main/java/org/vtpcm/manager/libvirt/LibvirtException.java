package org.vtpcm.manager.libvirt;

/** A libvirt call failed; the message says which call, on which host, and libvirt's reason. */
public final class LibvirtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LibvirtException(String message, Throwable cause) {
        super(message, cause);
    }

    public LibvirtException(String message) {
        super(message);
    }
}
