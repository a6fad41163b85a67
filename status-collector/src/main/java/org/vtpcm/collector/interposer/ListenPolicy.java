package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Least privilege for Serve: the service creates (and on Forget deletes) sockets only inside its run
 * dir, never over the admin socket or a file that is not a socket, and never through a symbolic link
 * that leads out of the run dir.
 */
final class ListenPolicy {
    private final Path runDir;
    private final Path adminSocket;

    /** {@code runDir} must exist; it is taken by its real path. */
    ListenPolicy(Path runDir, Path adminSocket) throws IOException {
        this.runDir = requireNonNull(runDir, "runDir is null").toRealPath();
        this.adminSocket = requireNonNull(adminSocket, "adminSocket is null").toAbsolutePath().normalize();
    }

    Path runDir() {
        return runDir;
    }

    /** The listen path, or IllegalArgumentException saying why it is not allowed. */
    Path listen(String text) {
        Path path = absolute("listen", text);
        if (!path.startsWith(runDir) || path.equals(runDir)) {
            throw new IllegalArgumentException("listen path " + path + " is outside the run dir " + runDir);
        }
        if (path.equals(adminSocket)) {
            throw new IllegalArgumentException("listen path " + path + " is the admin socket");
        }
        try {
            if (!path.getParent().toRealPath().startsWith(runDir)) {
                throw new IllegalArgumentException("listen path " + path + " leads out of the run dir " + runDir + " through a link");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the folder of listen path " + path + " does not exist");
        }
        try {
            BasicFileAttributes existing = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!existing.isOther()) {
                throw new IllegalArgumentException("listen path " + path + " exists and is not a socket");
            }
        } catch (NoSuchFileException e) {
            // the usual case: nothing there yet
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot inspect listen path " + path + ": " + e.getMessage());
        }
        return path;
    }

    /** The engine's control socket: any absolute path (it is only ever connected to, never created). */
    static Path engine(String text) {
        return absolute("engine", text);
    }

    private static Path absolute(String what, String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(what + " is not a path: " + e.getMessage());
        }
        if (!path.isAbsolute() || !path.equals(path.normalize())) {
            throw new IllegalArgumentException(what + " path must be absolute and normalized: " + text);
        }
        return path;
    }
}
