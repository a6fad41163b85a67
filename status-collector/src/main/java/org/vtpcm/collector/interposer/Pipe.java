package org.vtpcm.collector.interposer;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.FdSocket;

/**
 * One direction of a relayed connection: what one side sends, forwarded to the other side without
 * blocking, then shown to a tap. What the destination cannot take yet waits here, and the source is
 * not read again until it has gone (back-pressure, bounded by one read). A descriptor passed with
 * SCM_RIGHTS travels with the first byte of its message and is then closed here: the destination
 * holds its own copy.
 */
final class Pipe {
    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);

    /** Sees every byte that crosses, in order, right after it was handed to the destination. */
    interface Tap {
        void crossed(byte[] data, int length);
    }

    private final FdSocket source;
    private final FdSocket destination;
    private final boolean passesDescriptors;
    private final Tap tap;
    private byte[] pending;
    private int pendingOffset;
    private int pendingFd = -1;
    private boolean sourceEnded;

    /** {@code passesDescriptors}: forward a descriptor the source passes (QEMU's data channel) rather than drop it. */
    Pipe(FdSocket source, FdSocket destination, boolean passesDescriptors, Tap tap) {
        this.source = source;
        this.destination = destination;
        this.passesDescriptors = passesDescriptors;
        this.tap = tap;
    }

    boolean wantsToRead() {
        return !sourceEnded && pending == null;
    }

    boolean hasPending() {
        return pending != null;
    }

    /** The source closed and everything it sent has been forwarded. */
    boolean finished() {
        return sourceEnded && pending == null;
    }

    /** Reads what the source has and forwards as much as the destination takes now. */
    void read(FdSocket.Scratch scratch, byte[] buffer) {
        FdSocket.Received received = source.tryReceive(scratch, buffer);
        if (received.wouldBlock()) {
            return;
        }
        if (received.endOfStream()) {
            sourceEnded = true;
            return;
        }
        int passed = received.passedFd();
        if (passed >= 0 && !passesDescriptors) {
            LOG.warn("dropping a descriptor passed the wrong way on a control channel");
            FdSocket.closeFd(passed);
            passed = -1;
        }
        int sent = send(scratch, buffer, 0, received.length(), passed);
        if (sent < received.length()) {
            pending = Arrays.copyOfRange(buffer, sent, received.length());
            pendingOffset = 0;
            pendingFd = sent > 0 ? -1 : passed;
        }
        // forwarded first: digesting a state blob and pushing its event must not delay QEMU's switchover
        tap.crossed(buffer, received.length());
    }

    /** Forwards what waits, as far as the destination takes it now. */
    void flush(FdSocket.Scratch scratch) {
        if (pending == null) {
            return;
        }
        int sent = send(scratch, pending, pendingOffset, pending.length - pendingOffset, pendingFd);
        if (sent > 0) {
            pendingFd = -1;
        }
        pendingOffset += sent;
        if (pendingOffset == pending.length) {
            pending = null;
        }
    }

    private int send(FdSocket.Scratch scratch, byte[] data, int offset, int length, int passFd) {
        int sent = destination.trySend(scratch, data, offset, length, passFd);
        if (sent > 0 && passFd >= 0) {
            FdSocket.closeFd(passFd);
        }
        return sent;
    }

    /** Releases a descriptor still waiting to be passed. */
    void close() {
        FdSocket.closeFd(pendingFd);
        pendingFd = -1;
        pending = null;
    }
}
