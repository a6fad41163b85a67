package org.vtpcm.manager.engine;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few swtpm engines started ahead, each with empty state and its own fresh at-rest key, so that a
 * destination preparing an incoming vTPCM takes one instead of waiting for a process start. Filled
 * in the background, refilled after every take. The keys live only in memory until a member is
 * taken (then they are sealed in the vTPCM's secrets): members left by an earlier manager process
 * are useless and are stopped and erased at start ({@link SwtpmEngines#discardLeftovers()}).
 */
final class SwtpmPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SwtpmPool.class);
    static final int KEY_BYTES = 32;

    /** A ready engine: its id (in its command line and file names), pid, files and at-rest key. */
    record Member(String engineId, long pid, SwtpmLauncher.EngineFiles files, byte[] key) {
    }

    /** Starts a member with a new engine id and key. */
    interface Starter {
        Member start(String engineId, byte[] key);
    }

    private final int size;
    private final Starter starter;
    private final SecureRandom random = new SecureRandom();
    private final Deque<Member> ready = new ArrayDeque<>();
    private final ExecutorService filler = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "swtpm-pool");
        thread.setDaemon(true);
        return thread;
    });
    private int starting;
    private boolean closed;

    SwtpmPool(int size, Starter starter) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        this.size = size;
        this.starter = requireNonNull(starter, "starter is null");
    }

    /** Starts filling the pool in the background. */
    synchronized void fill() {
        while (!closed && ready.size() + starting < size) {
            starting++;
            filler.execute(this::startOne);
        }
    }

    private void startOne() {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        String engineId = "pool-" + UUID.randomUUID();
        Member member = null;
        try {
            member = starter.start(engineId, key);
        } catch (RuntimeException e) {
            LOG.warn("could not start a pooled swtpm: {}", e.getMessage());
        }
        synchronized (this) {
            starting--;
            if (member != null && !closed) {
                ready.add(member);
            } else if (member != null) {
                ProcessHandle.of(member.pid()).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    /** A ready member, if there is one; the pool refills behind it. */
    synchronized Optional<Member> take() {
        Optional<Member> member = Optional.ofNullable(ready.poll());
        fill();
        return member;
    }

    /** Ready members now. */
    synchronized int ready() {
        return ready.size();
    }

    /** Stops the members still waiting: their keys die with this process. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (Member member : ready) {
                ProcessHandle.of(member.pid()).ifPresent(ProcessHandle::destroy);
                java.util.Arrays.fill(member.key(), (byte) 0);
            }
            ready.clear();
        }
        filler.shutdownNow();
    }

}
