package org.vtpcm.collector.interposer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import org.vtpcm.protocol.crypto.CryptoSuites;

/**
 * The node interposer as its own process, one per compute node:
 * {@code --socket ADMIN_SOCKET --run-dir DIR [--suite sm|nist] [--pid-file FILE]}. Runs until SIGTERM;
 * then closes everything and removes the admin socket and the pid file. Exit 2 for bad options, 1 when
 * it cannot start (another one holds {@code <socket>.lock} or answers on the socket, the socket cannot be
 * bound).
 */
public final class NodeInterposerMain {
    private NodeInterposerMain() {
    }

    public static void main(String[] args) {
        NodeInterposerOptions options;
        try {
            options = NodeInterposerOptions.parse(args);
            if (!Files.isDirectory(options.runDir())) {
                throw new IllegalArgumentException("--run-dir " + options.runDir() + " is not a directory");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("node interposer: " + e.getMessage());
            System.err.println(NodeInterposerOptions.USAGE);
            System.exit(2);
            return;
        }
        // held for the process's life (the kernel drops it at exit): of two started at once, one runs
        FileLock lock = lockFor(options.socket());
        if (lock == null || (Files.exists(options.socket()) && new InterposerClient(options.socket()).alive())) {
            System.err.println("node interposer: another one already answers on " + options.socket());
            System.exit(1);
            return;
        }
        NodeInterposer interposer;
        try {
            interposer = NodeInterposer.start(options.socket(), options.runDir(), CryptoSuites.of(options.suite()));
        } catch (InterposerException | IllegalArgumentException e) {
            System.err.println("node interposer: " + e.getMessage());
            System.exit(1);
            return;
        }
        long pid = ProcessHandle.current().pid();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            interposer.close();
            options.pidFile().ifPresent(file -> removePidFile(file, pid));
            stopped.countDown();
        }, "node-interposer-shutdown"));
        try {
            options.pidFile().ifPresent(file -> writePidFile(file, pid));
        } catch (IllegalStateException e) {
            System.err.println("node interposer: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("node interposer: ready on " + options.socket() + " (pid " + pid + ")");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An exclusive lock on {@code <socket>.lock}, or null when another process holds it. */
    private static FileLock lockFor(Path socket) {
        Path file = socket.resolveSibling(socket.getFileName() + ".lock");
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
            }
            return lock;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            System.err.println("node interposer: cannot lock " + file + ": " + e.getMessage());
            System.exit(1);
            return null;
        }
    }

    private static void writePidFile(Path file, long pid) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, pid + "\n");
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the pid file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Only our own: a successor may already have written its pid there. */
    private static void removePidFile(Path file, long pid) {
        try {
            if (Files.readString(file).trim().equals(Long.toString(pid))) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // gone already
        }
    }
}
