package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A swtpm TPM 2.0 process for one guest on one lab node, started inside the node's namespaces.
 * At this stage the lab starts swtpm itself; the vTPCM manager takes this over later.
 *
 * <p>swtpm runs with {@code --terminate}: it exits when QEMU closes the control channel, so a
 * migrated-away guest leaves no TPM engine behind on the source.
 */
public final class LabSwtpm implements LabTpm {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final LabConfig lab;
    private final String socketSuffix;

    public LabSwtpm(LabConfig lab) {
        this(lab, ".ctrl");
    }

    /** A swtpm whose control socket is {@code <domain><socketSuffix>} (another suffix leaves room for an interposer). */
    public LabSwtpm(LabConfig lab, String socketSuffix) {
        this.lab = requireNonNull(lab, "lab is null");
        this.socketSuffix = requireNonNull(socketSuffix, "socketSuffix is null");
    }

    /** The control socket path as seen inside any node (each node has its own). */
    @Override
    public Path controlSocket(String domainName) {
        return lab.swtpmRunDirectory().resolve(domainName + socketSuffix);
    }

    /** Starts a swtpm with empty state for the guest on the node; waits for its socket. */
    @Override
    public void startFresh(LabNode node, String domainName) {
        Path stateDirectory = stateDirectory(node, domainName);
        deleteRecursively(stateDirectory);
        try {
            Files.createDirectories(stateDirectory);
            Files.deleteIfExists(socketSeenFromHost(node, domainName));
            Files.deleteIfExists(pidFile(node, domainName));
        } catch (IOException e) {
            throw new LabNotReadyException("cannot prepare swtpm state for " + domainName + " on " + node + ": " + e.getMessage());
        }
        ProcessRunner.run(node.inNamespaces("swtpm", "socket", "--tpm2",
                "--tpmstate", "dir=" + stateDirectory.toAbsolutePath(),
                "--ctrl", "type=unixio,path=" + controlSocket(domainName) + ",mode=0600",
                "--pid", "file=" + pidFile(node, domainName),
                "--log", "file=" + node.directory().resolve("swtpm").resolve(domainName + socketSuffix + ".log") + ",level=1",
                "--terminate", "--daemon"), Duration.ofSeconds(10));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(socketSeenFromHost(node, domainName))) {
            if (System.nanoTime() > deadline) {
                throw new LabNotReadyException("swtpm for " + domainName + " on " + node + " did not open its socket within "
                        + START_TIMEOUT.toSeconds() + "s");
            }
            sleep(20);
        }
    }

    /** The pid of the guest's swtpm on the node, if one is running there. */
    @Override
    public Optional<Long> runningPid(LabNode node, String domainName) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(node, domainName)).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Waits up to {@code timeout} for the guest's swtpm on the node to exit. */
    @Override
    public boolean awaitExit(LabNode node, String domainName, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runningPid(node, domainName).isPresent()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    /** Kills the guest's swtpm on the node (if any) and waits for it to go. */
    @Override
    public void kill(LabNode node, String domainName) {
        runningPid(node, domainName).flatMap(ProcessHandle::of).ifPresent(process -> {
            process.destroyForcibly();
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new LabNotReadyException("swtpm pid " + process.pid() + " on " + node + " did not exit: " + e);
            }
        });
    }

    private Path stateDirectory(LabNode node, String domainName) {
        return node.directory().resolve("swtpm").resolve(domainName + socketSuffix + ".state");
    }

    private Path pidFile(LabNode node, String domainName) {
        return node.directory().resolve("swtpm").resolve(domainName + socketSuffix + ".pid");
    }

    /** The node's run/swtpm folder is bind-mounted from its own folder, so the host sees it here. */
    private Path socketSeenFromHost(LabNode node, String domainName) {
        return node.directory().resolve("swtpm").resolve(domainName + socketSuffix);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new LabNotReadyException("cannot delete " + directory + ": " + e.getMessage());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabNotReadyException("interrupted");
        }
    }
}
