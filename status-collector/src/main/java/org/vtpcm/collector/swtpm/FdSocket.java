package org.vtpcm.collector.swtpm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A UNIX stream socket held as a raw file descriptor, with reads and writes that can carry one
 * passed file descriptor (SCM_RIGHTS). cmsg layout for one int on LP64 Linux: cmsg_len (8) |
 * cmsg_level (4) | cmsg_type (4) | the int, padded to 8: CMSG_SPACE(4) = 24, CMSG_LEN(4) = 20.
 */
final class FdSocket implements AutoCloseable {
    private static final int CMSG_SPACE = 24;
    private static final int CMSG_LEN = 20;
    private static final int EINTR = 4;
    private static final int MSG_CTRUNC = 0x8;

    private final int fd;
    private volatile boolean closed;

    private FdSocket(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    /** A listening socket at {@code path} (an old socket file there is replaced), mode 0600. */
    /**
     * Listens at {@code path}. The socket is bound under a temporary name and renamed once it listens
     * with its final permissions, so a client that sees the path never meets a socket that refuses
     * connections (bound, not yet listening) or has looser permissions.
     */
    static FdSocket listen(Path path) {
        Path binding = path.resolveSibling(path.getFileName() + ".binding");
        int fd = -1;
        try {
            LibC.SockaddrUn address = new LibC.SockaddrUn(binding.toString());
            Files.deleteIfExists(path);
            Files.deleteIfExists(binding);
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
            LibC.INSTANCE.bind(fd, address, address.size());
            Files.setPosixFilePermissions(binding, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            LibC.INSTANCE.listen(fd, 4);
            Files.move(binding, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new FdSocket(fd);
        } catch (LastErrorException | java.io.IOException e) {
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

    static FdSocket connect(Path path) {
        int fd = -1;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
            LibC.SockaddrUn address = new LibC.SockaddrUn(path.toString());
            LibC.INSTANCE.connect(fd, address, address.size());
            return new FdSocket(fd);
        } catch (LastErrorException e) {
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

    FdSocket accept() {
        try {
            return new FdSocket(LibC.INSTANCE.accept4(fd, Pointer.NULL, Pointer.NULL, LibC.SOCK_CLOEXEC));
        } catch (LastErrorException e) {
            throw new SwtpmControlException("accept failed: " + e.getMessage(), e);
        }
    }

    /** Received bytes and, if one came with them, a passed descriptor (-1 otherwise). */
    record Received(int length, int passedFd) {
    }

    /** Reads up to buffer.length bytes; length 0 means the peer closed. */
    Received receive(byte[] buffer) {
        Memory data = new Memory(buffer.length);
        Memory control = new Memory(CMSG_SPACE);
        control.clear();
        LibC.Iovec iov = new LibC.Iovec();
        iov.base = data;
        iov.length = new NativeLong(buffer.length);
        iov.write();
        LibC.Msghdr message = new LibC.Msghdr();
        message.iov = iov.getPointer();
        message.iovLength = new NativeLong(1);
        message.control = control;
        message.controlLength = new NativeLong(CMSG_SPACE);
        while (true) {
            try {
                long n = LibC.INSTANCE.recvmsg(fd, message, LibC.MSG_CMSG_CLOEXEC).longValue();
                if (n <= 0) {
                    return new Received(0, -1);
                }
                data.read(0, buffer, 0, (int) n);
                message.read();
                int passed = -1;
                if (message.controlLength.longValue() >= CMSG_LEN && control.getLong(0) >= CMSG_LEN
                        && control.getInt(8) == LibC.SOL_SOCKET && control.getInt(12) == LibC.SCM_RIGHTS) {
                    passed = control.getInt(16);
                }
                if ((message.flags & MSG_CTRUNC) != 0) {
                    closeFd(passed);
                    throw new SwtpmControlException("receive: ancillary data truncated (more than one descriptor passed?)", -1);
                }
                return new Received((int) n, passed);
            } catch (LastErrorException e) {
                if (closed) {
                    return new Received(0, -1);
                }
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new SwtpmControlException("receive failed: " + e.getMessage(), e);
            } finally {
                java.lang.ref.Reference.reachabilityFence(data);
                java.lang.ref.Reference.reachabilityFence(control);
                java.lang.ref.Reference.reachabilityFence(iov);
            }
        }
    }

    /** Writes all bytes; the first write carries {@code passFd} as SCM_RIGHTS when it is >= 0. */
    void send(byte[] buffer, int length, int passFd) {
        int offset = 0;
        while (offset < length) {
            int chunk = length - offset;
            Memory data = new Memory(chunk);
            data.write(0, buffer, offset, chunk);
            LibC.Iovec iov = new LibC.Iovec();
            iov.base = data;
            iov.length = new NativeLong(chunk);
            iov.write();
            LibC.Msghdr message = new LibC.Msghdr();
            message.iov = iov.getPointer();
            message.iovLength = new NativeLong(1);
            if (passFd >= 0 && offset == 0) {
                Memory control = new Memory(CMSG_SPACE);
                control.clear();
                control.setLong(0, CMSG_LEN);
                control.setInt(8, LibC.SOL_SOCKET);
                control.setInt(12, LibC.SCM_RIGHTS);
                control.setInt(16, passFd);
                message.control = control;
                message.controlLength = new NativeLong(CMSG_SPACE);
            }
            if (closed) {
                // never write to a descriptor number that close() may already have released
                throw new SwtpmControlException("send on a closed socket", -1);
            }
            try {
                long n = LibC.INSTANCE.sendmsg(fd, message, LibC.MSG_NOSIGNAL).longValue();
                if (n <= 0) {
                    throw new SwtpmControlException("send wrote nothing", -1);
                }
                offset += (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new SwtpmControlException("send failed: " + e.getMessage(), e);
            } finally {
                // data is referenced only from the iovec's Java object, not from message: without
                // this fence the JIT may let GC free (and the allocator reuse) the native buffer
                // while sendmsg() is still reading it
                java.lang.ref.Reference.reachabilityFence(data);
                java.lang.ref.Reference.reachabilityFence(iov);
                java.lang.ref.Reference.reachabilityFence(message);
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

    static void closeFd(int fd) {
        if (fd >= 0) {
            LibC.INSTANCE.close(fd);
        }
    }
}
