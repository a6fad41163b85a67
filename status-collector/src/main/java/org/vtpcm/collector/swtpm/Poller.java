package org.vtpcm.collector.swtpm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/**
 * poll(2) over raw descriptors, for one thread: the pollfd array's native memory is kept and only
 * grown. Event bits are libc's ({@link #IN}, {@link #OUT}, ...).
 */
public final class Poller {
    public static final short IN = LibC.POLLIN;
    public static final short OUT = LibC.POLLOUT;
    public static final short ERR = LibC.POLLERR;
    public static final short HUP = LibC.POLLHUP;
    public static final short NVAL = LibC.POLLNVAL;
    private static final int POLLFD_BYTES = 8;

    private Memory pollfds = new Memory(16L * POLLFD_BYTES);

    /**
     * Waits until one of the first {@code count} descriptors is ready or {@code timeoutMillis} passes;
     * fills {@code revents} and returns how many are ready (0 on timeout or a signal).
     */
    public int poll(int count, int[] fds, short[] events, short[] revents, int timeoutMillis) {
        if (pollfds.size() < (long) count * POLLFD_BYTES) {
            pollfds = new Memory(Math.max((long) count, pollfds.size() / POLLFD_BYTES * 2) * POLLFD_BYTES);
        }
        for (int i = 0; i < count; i++) {
            pollfds.setInt((long) i * POLLFD_BYTES, fds[i]);
            pollfds.setShort((long) i * POLLFD_BYTES + 4, events[i]);
            pollfds.setShort((long) i * POLLFD_BYTES + 6, (short) 0);
        }
        int ready;
        try {
            ready = LibC.INSTANCE.poll(pollfds, new NativeLong(count), timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                java.util.Arrays.fill(revents, 0, count, (short) 0);
                return 0;
            }
            throw new SwtpmControlException("poll failed: " + e.getMessage(), e);
        }
        for (int i = 0; i < count; i++) {
            revents[i] = pollfds.getShort((long) i * POLLFD_BYTES + 6);
        }
        return ready;
    }
}
