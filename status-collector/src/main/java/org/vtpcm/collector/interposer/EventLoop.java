package org.vtpcm.collector.interposer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.collector.swtpm.FdSocket;
import org.vtpcm.collector.swtpm.Poller;

/**
 * The node interposer's only relay thread: poll(2) over every registered descriptor, then each ready
 * one's handler, in turn. Handlers never block (non-blocking accept, MSG_DONTWAIT reads and writes),
 * so one slow peer never holds up another. Members are added and removed on this thread only
 * (or before {@link #start()}); other threads only {@link #close()} it.
 */
final class EventLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** How often {@link Member#tick} runs at the latest: the admin connections' timeouts are in seconds. */
    private static final int TICK_MILLIS = 500;
    /** The most one read takes in; control messages are small, a state blob passes in a few reads. */
    private static final int BUFFER = 64 * 1024;

    /** A descriptor the loop polls. */
    interface Member {
        /** {@link #interest()} when the descriptor is not to be polled now. */
        short SKIP = -1;

        int fd();

        /** The poll events wanted now ({@link Poller#IN}, {@link Poller#OUT}), 0 for errors and hang-ups only, or {@link #SKIP}. */
        short interest();

        /** The descriptor is ready; runs on the loop thread and must not block. */
        void ready(short revents);

        /** Gives up after {@code ready} threw: release everything. */
        void failed(RuntimeException e);

        /** Called at least every half second, for timeouts. */
        default void tick(long nowNanos) {
        }
    }

    private final Set<Member> members = new LinkedHashSet<>();
    private final Poller poller = new Poller();
    private final FdSocket[] wakeup = FdSocket.pair();
    private final FdSocket.Scratch wakeScratch = new FdSocket.Scratch(64);
    private final FdSocket.Scratch scratch = new FdSocket.Scratch(BUFFER);
    private final byte[] buffer = new byte[BUFFER];
    private final Thread thread;
    private volatile boolean running = true;
    private int[] fds = new int[16];
    private short[] events = new short[16];
    private short[] revents = new short[16];
    private Member[] polled = new Member[16];

    EventLoop(String name) {
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(Member member) {
        members.add(member);
    }

    void remove(Member member) {
        members.remove(member);
    }

    /** Native buffers every member shares for its reads and writes (the loop runs one member at a time). */
    FdSocket.Scratch scratch() {
        return scratch;
    }

    /** The bytes of the read in progress, shared like {@link #scratch()}. */
    byte[] buffer() {
        return buffer;
    }

    boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        long nextTick = System.nanoTime();
        while (running) {
            int count = collect();
            poller.poll(count, fds, events, revents, TICK_MILLIS);
            if (!running) {
                break;
            }
            if (revents[0] != 0) {
                while (wakeup[0].tryReceive(scratch, buffer).length() > 0) {
                    // drained; the flag says why we woke
                }
            }
            for (int i = 1; i < count; i++) {
                Member member = polled[i];
                polled[i] = null;
                if (revents[i] != 0 && members.contains(member)) {
                    dispatch(member, revents[i]);
                }
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                for (Member member : List.copyOf(members)) {
                    if (members.contains(member)) {
                        member.tick(now);
                    }
                }
                nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            }
        }
        LOG.debug("event loop stopped");
    }

    private void dispatch(Member member, short ready) {
        try {
            member.ready(ready);
        } catch (RuntimeException | OutOfMemoryError e) {
            // one connection's failure (even a heap exhausted by its buffers) must not end every other channel's relay
            LOG.error("event loop: a handler failed, closing it: {}", e.toString(), e);
            try {
                member.failed(e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e));
            } catch (RuntimeException again) {
                LOG.error("event loop: closing the failed handler failed too: {}", again.toString());
            }
            members.remove(member);
        }
    }

    /** Fills the poll arrays: the wake-up socket first, then each member that wants something. */
    private int collect() {
        int needed = members.size() + 1;
        if (fds.length < needed) {
            int size = Math.max(needed, fds.length * 2);
            fds = new int[size];
            events = new short[size];
            revents = new short[size];
            polled = new Member[size];
        }
        fds[0] = wakeup[0].fd();
        events[0] = Poller.IN;
        int count = 1;
        for (Member member : members) {
            short interest = member.interest();
            if (interest != Member.SKIP) {
                fds[count] = member.fd();
                events[count] = interest;
                polled[count] = member;
                count++;
            }
        }
        return count;
    }

    /** Stops the loop and waits for it; afterwards the caller owns every member. */
    @Override
    public void close() {
        running = false;
        synchronized (wakeScratch) {
            try {
                wakeup[1].trySend(wakeScratch, new byte[] {1}, 0, 1, -1);
            } catch (RuntimeException e) {
                LOG.debug("wake-up failed: {}", e.getMessage());
            }
        }
        if (thread.isAlive() && !onLoopThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (thread.isAlive() && !onLoopThread()) {
            LOG.warn("event loop did not stop within 5 s");
            return; // leave the wake-up pair open rather than close descriptors it may still poll
        }
        wakeup[0].close();
        wakeup[1].close();
    }
}
