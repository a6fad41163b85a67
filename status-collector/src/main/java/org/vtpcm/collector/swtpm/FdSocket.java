package org.vtpcm.collector.swtpm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A UNIX stream socket held as a raw file descriptor, with reads and writes that can carry one
 * passed file descriptor (SCM_RIGHTS). cmsg layout for one int on LP64 Linux: cmsg_len (8) |
 * cmsg_level (4) | cmsg_type (4) | the int, padded to 8: CMSG_SPACE(4) = 24, CMSG_LEN(4) = 20.
 *
 * <p>Blocking calls ({@link #receive}, {@link #send}, {@link #accept}) serve the per-VM interposer
 * and the test clients; the {@code try} calls never block (MSG_DONTWAIT, a non-blocking listener)
 * and reuse the native buffers of a {@link Scratch}, for the node interposer's single event loop.
 */
public final class FdSocket implements AutoCloseable {
    private static final int CMSG_SPACE = 24;
    private static final int CMSG_LEN = 20;
    private static final int MSG_CTRUNC = 0x8;
    /** One QEMU per control socket: a short queue is plenty. */
    private static final int BACKLOG = 4;

    private final int fd;
    private volatile boolean closed;

    private FdSocket(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /**
     * Listens at {@code path} (an old socket file there is replaced), mode 0600. The socket is bound
     * under a temporary name and renamed once it listens with its final permissions, so a client that
     * sees the path never meets a socket that refuses connections (bound, not yet listening) or has
     * looser permissions.
     */
    public static FdSocket listen(Path path) {
        return listen(path, false, BACKLOG);
    }

    /** Like {@link #listen(Path)}, but {@link #tryAccept()} never blocks on it. */
    public static FdSocket listenNonBlocking(Path path) {
        return listen(path, true, BACKLOG);
    }

    /** Like {@link #listenNonBlocking(Path)}, with room for {@code backlog} connections not accepted yet. */
    public static FdSocket listenNonBlocking(Path path, int backlog) {
        return listen(path, true, backlog);
    }

    private static FdSocket listen(Path path, boolean nonBlocking, int backlog) {
        Path binding = path.resolveSibling(path.getFileName() + ".binding");
        int fd = -1;
        try {
            LibC.SockaddrUn address = new LibC.SockaddrUn(binding.toString());
            Files.deleteIfExists(path);
            Files.deleteIfExists(binding);
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC | (nonBlocking ? LibC.SOCK_NONBLOCK : 0), 0);
            LibC.INSTANCE.bind(fd, address, address.size());
            Files.setPosixFilePermissions(binding, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            LibC.INSTANCE.listen(fd, backlog);
            Files.move(binding, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new FdSocket(fd);
        } catch (LastErrorException | java.io.IOException | IllegalArgumentException e) {
            if (fd >= 0) {
                LibC.INSTANCE.close(fd);
            }
            try {
                Files.deleteIfExists(binding);
            } catch (java.io.IOException ignored) {
                // best effort; the next listen removes it
            }
            throw new SwtpmControlException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
    }

    public static FdSocket connect(Path path) {
        return connect(path, false);
    }

    /**
     * Connects without ever blocking: a UNIX socket connects at once or, when the listener's backlog is
     * full (a hung peer), fails with EAGAIN instead of waiting. The socket stays non-blocking.
     */
    public static FdSocket connectNonBlocking(Path path) {
        return connect(path, true);
    }

    private static FdSocket connect(Path path, boolean nonBlocking) {
        int fd = -1;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC | (nonBlocking ? LibC.SOCK_NONBLOCK : 0), 0);
            LibC.SockaddrUn address = new LibC.SockaddrUn(path.toString());
            LibC.INSTANCE.connect(fd, address, address.size());
            return new FdSocket(fd);
        } catch (LastErrorException | IllegalArgumentException e) {
            if (fd >= 0) {
                LibC.INSTANCE.close(fd);
            }
            throw new SwtpmControlException("cannot connect to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Wraps a descriptor this object now owns. */
    static FdSocket adopt(int fd) {
        return new FdSocket(fd);
    }

    /** A connected pair (socketpair(2)), e.g. a data channel whose far end is passed with SCM_RIGHTS, or a wake-up pipe. */
    public static FdSocket[] pair() {
        int[] fds = new int[2];
        try {
            LibC.INSTANCE.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds);
        } catch (LastErrorException e) {
            throw new SwtpmControlException("socketpair failed: " + e.getMessage(), e);
        }
        return new FdSocket[] {new FdSocket(fds[0]), new FdSocket(fds[1])};
    }

    /** Blocking receives on this socket give up after {@code timeout} (SO_RCVTIMEO): for clients that must not hang. */
    public FdSocket withReceiveTimeout(java.time.Duration timeout) {
        Memory timeval = new Memory(16);
        timeval.setLong(0, timeout.toSeconds());
        timeval.setLong(8, timeout.toMillisPart() * 1000L);
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeval, 16);
        } catch (LastErrorException e) {
            throw new SwtpmControlException("setting a receive timeout failed: " + e.getMessage(), e);
        } finally {
            java.lang.ref.Reference.reachabilityFence(timeval);
        }
        return this;
    }

    public FdSocket accept() {
        try {
            return new FdSocket(LibC.INSTANCE.accept4(fd, Pointer.NULL, Pointer.NULL, LibC.SOCK_CLOEXEC));
        } catch (LastErrorException e) {
            throw new SwtpmControlException("accept failed: " + e.getMessage(), e);
        }
    }

    /** The next pending connection of a {@link #listenNonBlocking non-blocking} listener, if there is one. */
    public Optional<FdSocket> tryAccept() {
        while (true) {
            try {
                return Optional.of(new FdSocket(LibC.INSTANCE.accept4(fd, Pointer.NULL, Pointer.NULL, LibC.SOCK_CLOEXEC)));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == LibC.EAGAIN) {
                    return Optional.empty();
                }
                throw new SwtpmControlException("accept failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Received bytes and, if one came with them, a passed descriptor (-1 otherwise). Length 0 means
     * the peer closed; -1 (only from {@link #tryReceive}) that nothing is there yet.
     */
    public record Received(int length, int passedFd) {
        static final Received END = new Received(0, -1);
        static final Received WOULD_BLOCK = new Received(-1, -1);

        public boolean endOfStream() {
            return length == 0;
        }

        public boolean wouldBlock() {
            return length < 0;
        }
    }

    /**
     * Native buffers for one thread's sends and receives, reused across calls: the event loop would
     * otherwise allocate (and leave to the GC) native memory for every message it relays.
     */
    public static final class Scratch {
        private final Memory data;
        private final Memory control = new Memory(CMSG_SPACE);
        private final LibC.Iovec iov = new LibC.Iovec();
        private final LibC.Msghdr message = new LibC.Msghdr();

        public Scratch(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("capacity must be positive: " + capacity);
            }
            data = new Memory(capacity);
        }

        int capacity() {
            return (int) data.size();
        }

        /** Points the message at {@code length} bytes of data and, if {@code withControl}, at the control buffer. */
        LibC.Msghdr prepare(int length, boolean withControl) {
            iov.base = data;
            iov.length = new NativeLong(length);
            iov.write();
            message.name = null;
            message.nameLength = 0;
            message.iov = iov.getPointer();
            message.iovLength = new NativeLong(1);
            message.control = withControl ? control : null;
            message.controlLength = new NativeLong(withControl ? CMSG_SPACE : 0);
            message.flags = 0;
            control.clear();
            return message;
        }
    }

    /** Reads up to buffer.length bytes, blocking until some arrive; length 0 means the peer closed. */
    public Received receive(byte[] buffer) {
        Received received = receive(new Scratch(buffer.length), buffer, 0);
        return received.wouldBlock() ? Received.END : received;
    }

    /** Reads what is there, up to the smaller of buffer.length and the scratch's capacity, without blocking. */
    public Received tryReceive(Scratch scratch, byte[] buffer) {
        return receive(scratch, buffer, LibC.MSG_DONTWAIT);
    }

    private Received receive(Scratch scratch, byte[] buffer, int flags) {
        int capacity = Math.min(buffer.length, scratch.capacity());
        while (true) {
            LibC.Msghdr message = scratch.prepare(capacity, true);
            try {
                long n = LibC.INSTANCE.recvmsg(fd, message, LibC.MSG_CMSG_CLOEXEC | flags).longValue();
                if (n <= 0) {
                    return Received.END;
                }
                scratch.data.read(0, buffer, 0, (int) n);
                message.read();
                int passed = -1;
                if (message.controlLength.longValue() >= CMSG_LEN && scratch.control.getLong(0) >= CMSG_LEN
                        && scratch.control.getInt(8) == LibC.SOL_SOCKET && scratch.control.getInt(12) == LibC.SCM_RIGHTS) {
                    passed = scratch.control.getInt(16);
                }
                if ((message.flags & MSG_CTRUNC) != 0) {
                    closeFd(passed);
                    throw new SwtpmControlException("receive: ancillary data truncated (more than one descriptor passed?)", -1);
                }
                return new Received((int) n, passed);
            } catch (LastErrorException e) {
                if (closed) {
                    return Received.END;
                }
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == LibC.EAGAIN && (flags & LibC.MSG_DONTWAIT) != 0) {
                    return Received.WOULD_BLOCK;
                }
                throw new SwtpmControlException("receive failed: " + e.getMessage(), e);
            } finally {
                // the native buffers are referenced only from Java objects the JIT may consider dead
                // while recvmsg() still writes to them
                java.lang.ref.Reference.reachabilityFence(scratch);
            }
        }
    }

    /** Writes all bytes, blocking as needed; the first write carries {@code passFd} as SCM_RIGHTS when it is >= 0. */
    public void send(byte[] buffer, int length, int passFd) {
        Scratch scratch = new Scratch(Math.max(1, length));
        int offset = 0;
        while (offset < length) {
            int n = send(scratch, buffer, offset, length - offset, offset == 0 ? passFd : -1, 0);
            if (n <= 0) {
                throw new SwtpmControlException("send wrote nothing", -1);
            }
            offset += n;
        }
    }

    /**
     * Writes what the socket takes now, without blocking; returns how many bytes left (0 when its
     * buffer is full). {@code passFd}, when >= 0, travels with the first byte written.
     */
    public int trySend(Scratch scratch, byte[] buffer, int offset, int length, int passFd) {
        return send(scratch, buffer, offset, Math.min(length, scratch.capacity()), passFd, LibC.MSG_DONTWAIT);
    }

    private int send(Scratch scratch, byte[] buffer, int offset, int length, int passFd, int flags) {
        int chunk = Math.min(length, scratch.capacity());
        while (true) {
            scratch.data.write(0, buffer, offset, chunk);
            LibC.Msghdr message = scratch.prepare(chunk, passFd >= 0);
            if (passFd >= 0) {
                scratch.control.setLong(0, CMSG_LEN);
                scratch.control.setInt(8, LibC.SOL_SOCKET);
                scratch.control.setInt(12, LibC.SCM_RIGHTS);
                scratch.control.setInt(16, passFd);
            }
            if (closed) {
                // never write to a descriptor number that close() may already have released
                throw new SwtpmControlException("send on a closed socket", -1);
            }
            try {
                return (int) LibC.INSTANCE.sendmsg(fd, message, LibC.MSG_NOSIGNAL | flags).longValue();
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == LibC.EAGAIN && (flags & LibC.MSG_DONTWAIT) != 0) {
                    return 0;
                }
                throw new SwtpmControlException("send failed: " + e.getMessage(), e);
            } finally {
                // see receive(): keep the native buffers alive until sendmsg() has returned
                java.lang.ref.Reference.reachabilityFence(scratch);
            }
        }
    }

    /** Unblocks readers and releases the descriptor. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.INSTANCE.shutdown(fd, LibC.SHUT_RDWR);
        LibC.INSTANCE.close(fd);
    }

    public static void closeFd(int fd) {
        if (fd >= 0) {
            LibC.INSTANCE.close(fd);
        }
    }
}
