package org.vtpcm.collector.interposer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.ControlStreamObserver;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.Poller;
import org.vtpcm.collector.swtpm.SwtpmControlException;

/**
 * One QEMU control connection and the interposer's connection on to swtpm, relayed byte for byte by
 * the event loop: QEMU's bytes (and the data-channel descriptor of CMD_SET_DATAFD) go up to swtpm,
 * swtpm's answers come down, and the observer sees both. When either side ends, both are closed:
 * swtpm runs with --terminate and exits once its control connection is gone.
 */
final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    /** Told on the loop thread. */
    interface Listener {
        /** The observer was fed: its state may have changed. */
        void observed();

        /** The relay ended; both sockets are closed. */
        void ended();
    }

    private final FdSocket qemu;
    private final FdSocket engine;
    private final Pipe up;
    private final Pipe down;
    private final Side qemuSide;
    private final Side engineSide;
    private final EventLoop loop;
    private final Listener listener;
    private boolean closed;

    Relay(FdSocket qemu, FdSocket engine, ControlStreamObserver observer, EventLoop loop, Listener listener) {
        this.qemu = qemu;
        this.engine = engine;
        this.loop = loop;
        this.listener = listener;
        this.up = new Pipe(qemu, engine, true, (data, length) -> observe(() -> observer.fromClient(data, length)));
        this.down = new Pipe(engine, qemu, false, (data, length) -> observe(() -> observer.fromServer(data, length)));
        this.qemuSide = new Side(qemu, up, down, "QEMU");
        this.engineSide = new Side(engine, down, up, "swtpm");
        loop.add(qemuSide);
        loop.add(engineSide);
    }

    /** Observation never ends a relay: whatever fails in it is logged, and the bytes flow on. */
    private void observe(Runnable feed) {
        try {
            feed.run();
            listener.observed();
        } catch (RuntimeException e) {
            LOG.error("observing a control channel failed (the relay goes on): {}", e.toString(), e);
        }
    }

    /** Closes both sides; the listener hears {@link Listener#ended()} once. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.remove(qemuSide);
        loop.remove(engineSide);
        up.close();
        down.close();
        qemu.close();
        engine.close();
        listener.ended();
    }

    private void afterProgress() {
        if (up.finished() || down.finished()) {
            close();
        }
    }

    /** One socket of the relay: the source of one pipe and the destination of the other. */
    private final class Side implements EventLoop.Member {
        private final FdSocket socket;
        private final Pipe from;
        private final Pipe to;
        private final String name;
        private boolean hungUp;

        Side(FdSocket socket, Pipe from, Pipe to, String name) {
            this.socket = socket;
            this.from = from;
            this.to = to;
            this.name = name;
        }

        @Override
        public int fd() {
            return socket.fd();
        }

        @Override
        public short interest() {
            boolean read = from.wantsToRead();
            boolean write = to.hasPending();
            if (hungUp && !read && !write) {
                return SKIP; // nothing to do here until the other side takes what waits; poll would report the hang-up forever
            }
            return (short) ((read ? Poller.IN : 0) | (write ? Poller.OUT : 0));
        }

        @Override
        public void ready(short revents) {
            try {
                if ((revents & Poller.NVAL) != 0) {
                    throw new SwtpmControlException(name + " descriptor no longer valid", -1);
                }
                if ((revents & (Poller.OUT | Poller.ERR | Poller.HUP)) != 0 && to.hasPending()) {
                    to.flush(loop.scratch());
                }
                if ((revents & (Poller.IN | Poller.ERR | Poller.HUP)) != 0 && from.wantsToRead()) {
                    from.read(loop.scratch(), loop.buffer());
                }
                if ((revents & (Poller.ERR | Poller.HUP)) != 0) {
                    hungUp = true;
                }
                afterProgress();
            } catch (SwtpmControlException e) {
                LOG.debug("{} side of a control channel ended: {}", name, e.getMessage());
                close();
            }
        }

        @Override
        public void failed(RuntimeException e) {
            close();
        }
    }
}
