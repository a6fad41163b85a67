package org.vtpcm.manager.libvirt;

import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects through libvirt-java. */
public final class LibvirtJavaConnector implements LibvirtConnector {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtJavaConnector.class);
    /**
     * libvirt prints every error to stderr unless a handler is set; we report errors through
     * exceptions instead, so the handler only logs at debug. Held in a static field so JNA's
     * native callback is never garbage collected.
     */
    private static final Libvirt.VirErrorCallback QUIET_ERRORS = (Pointer userData, virError error) ->
            LOG.debug("libvirt: {}", error == null ? "(no detail)" : error.message);

    public LibvirtJavaConnector() {
        try {
            Connect.setErrorCallback(QUIET_ERRORS);
        } catch (org.libvirt.LibvirtException e) {
            LOG.warn("cannot install the libvirt error handler: {}", e.getMessage());
        }
    }

    @Override
    public LibvirtHost connect(String uri) {
        return LibvirtJavaHost.open(uri);
    }

    @Override
    public LibvirtHost connectWithEvents(String uri) {
        EventLoop.ensureRunning();
        LibvirtHost host = LibvirtJavaHost.open(uri);
        return host;
    }

    /** libvirt's default event loop, registered before the first connection and run on one daemon thread. */
    private static final class EventLoop {
        private static boolean running;

        static synchronized void ensureRunning() {
            if (running) {
                return;
            }
            try {
                org.libvirt.Library.initEventLoop();
            } catch (org.libvirt.LibvirtException e) {
                throw new LibvirtException("cannot start libvirt's event loop: " + e.getMessage(), e);
            }
            Thread thread = new Thread(() -> {
                try {
                    org.libvirt.Library.runEventLoop();
                } catch (org.libvirt.LibvirtException e) {
                    LOG.error("libvirt event loop ended: {}", e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "libvirt-events");
            thread.setDaemon(true);
            thread.start();
            running = true;
        }
    }
}
