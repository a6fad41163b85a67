package org.vtpcm.collector.swtpm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The few libc socket calls the interposer needs that the JDK does not offer: passing a file
 * descriptor between processes (SCM_RIGHTS) over a UNIX socket, and poll(2) over raw descriptors
 * for the node interposer's single event loop. Linux x86-64/aarch64 layouts.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SCM_RIGHTS = 1;
    int SHUT_RDWR = 2;
    /** SO_RCVTIMEO (the struct timeval variant): a blocking receive gives up with EAGAIN. */
    int SO_RCVTIMEO = 20;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    int MSG_NOSIGNAL = 0x4000;
    /** Per-call non-blocking I/O: the event loop never sets O_NONBLOCK on a descriptor QEMU or swtpm shares. */
    int MSG_DONTWAIT = 0x40;
    int SOCK_NONBLOCK = 0x800;
    int EINTR = 4;
    int EAGAIN = 11;
    short POLLIN = 0x001;
    short POLLOUT = 0x004;
    short POLLERR = 0x008;
    short POLLHUP = 0x010;
    short POLLNVAL = 0x020;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, SockaddrUn address, int length) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int accept4(int fd, Pointer address, Pointer length, int flags) throws LastErrorException;

    int connect(int fd, SockaddrUn address, int length) throws LastErrorException;

    NativeLong recvmsg(int fd, Msghdr message, int flags) throws LastErrorException;

    NativeLong sendmsg(int fd, Msghdr message, int flags) throws LastErrorException;

    /** {@code fds} is an array of struct pollfd (int fd, short events, short revents: 8 bytes each). */
    int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

    int setsockopt(int fd, int level, int option, Pointer value, int length) throws LastErrorException;

    int shutdown(int fd, int how);

    int close(int fd);

    int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

    NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

    /** struct sockaddr_un. */
    @Structure.FieldOrder({"family", "path"})
    class SockaddrUn extends Structure {
        public short family = AF_UNIX;
        public byte[] path = new byte[108];

        SockaddrUn(String socketPath) {
            byte[] bytes = socketPath.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (bytes.length >= path.length) {
                throw new IllegalArgumentException("socket path too long (" + bytes.length + " bytes, at most 107): " + socketPath);
            }
            System.arraycopy(bytes, 0, path, 0, bytes.length);
        }
    }

    /** struct iovec. */
    @Structure.FieldOrder({"base", "length"})
    class Iovec extends Structure {
        public Pointer base;
        public NativeLong length;
    }

    /** struct msghdr. */
    @Structure.FieldOrder({"name", "nameLength", "iov", "iovLength", "control", "controlLength", "flags"})
    class Msghdr extends Structure {
        public Pointer name;
        public int nameLength;
        public Pointer iov;
        public NativeLong iovLength;
        public Pointer control;
        public NativeLong controlLength;
        public int flags;
    }
}
