package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.vtpcm.nodeapi.DomainState;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * A lab guest of the libvirt-only baselines: a transient domain without TPM or with a
 * libvirt-managed swtpm, started and migrated through libvirt alone. The blocking migrate call
 * runs in its own thread so a hung migration is aborted after a time limit.
 */
final class BaselineGuest implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ABORT_WAIT = Duration.ofSeconds(60);

    private final LabConfig lab;
    private final LabHosts hosts;
    private final String name;
    private final int memoryMiB;
    private final boolean withTpm;
    private final GuestConsole console;
    private final ExecutorService migrations;

    private BaselineGuest(LabConfig lab, LabHosts hosts, String name, int memoryMiB, boolean withTpm) {
        this.lab = requireNonNull(lab, "lab is null");
        this.hosts = requireNonNull(hosts, "hosts is null");
        this.name = requireNonNull(name, "name is null");
        this.memoryMiB = memoryMiB;
        this.withTpm = withTpm;
        this.console = new GuestConsole(lab.consoleDirectory().resolve(name + ".log"));
        this.migrations = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "migrate-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Boots the guest on the node and waits until its init has settled (first TPM step, or its no-TPM message). */
    static BaselineGuest boot(LabConfig lab, LabHosts hosts, LabNode node, String name, int memoryMiB, boolean withTpm) {
        BaselineGuest guest = new BaselineGuest(lab, hosts, name, memoryMiB, withTpm);
        try {
            guest.start(node);
            return guest;
        } catch (RuntimeException e) {
            guest.close();
            throw e;
        }
    }

    /** Destroys the guest wherever it is and boots it again on the node (after a crash). */
    void reboot(LabNode node) {
        destroyEverywhere();
        start(node);
    }

    private void start(LabNode node) {
        for (LabNode any : lab.nodes()) {
            if (hosts.host(any).state(name).isPresent()) {
                throw new LabNotReadyException("a domain named " + name + " already exists on " + any);
            }
        }
        try {
            Files.deleteIfExists(console.file());
        } catch (IOException e) {
            throw new LabNotReadyException("cannot reset console " + console.file() + ": " + e.getMessage());
        }
        GuestDomainXml xml = new GuestDomainXml(name, UUID.randomUUID(), memoryMiB, lab.guestKernel(), lab.guestInitrd(), console.file(),
                Path.of("/unused"));
        hosts.host(node).startTransient(withTpm ? BaselineDomainXml.withLibvirtSwtpm(xml) : BaselineDomainXml.withoutTpm(xml));
        if (withTpm) {
            console.awaitStepAfter(0, BOOT_TIMEOUT);
        } else {
            console.awaitLine(GuestConsole.NO_TPM_DEVICE, BOOT_TIMEOUT, "guest " + name);
        }
    }

    String name() {
        return name;
    }

    boolean withTpm() {
        return withTpm;
    }

    GuestConsole console() {
        return console;
    }

    /** The node where the domain is active (running or paused), or empty when it runs nowhere. */
    Optional<LabNode> location() {
        for (LabNode node : lab.nodes()) {
            if (hosts.host(node).state(name).map(DomainState::isActive).orElse(false)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /**
     * Live-migrates the guest, peer-to-peer; aborts the job when it takes longer than {@code timeout}.
     *
     * @return the wall time of the migrate call
     */
    Duration migrate(LabNode source, LabNode destination, MigrationOptions options, Duration timeout) throws InterruptedException {
        LibvirtHost host = hosts.host(source);
        Future<Duration> call = migrations.submit(() -> host.migrateLive(name, destination.libvirtUri(), options));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            host.abortJob(name);
            try {
                call.get(ABORT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException ignored) {
                // the abort is what we wanted; the message below says why
            }
            throw new LabNotReadyException("the migration of " + name + " took longer than " + timeout.toSeconds() + " s; aborted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    private void destroyEverywhere() {
        for (LabNode node : lab.nodes()) {
            try {
                hosts.host(node).destroy(name);
            } catch (RuntimeException e) {
                // not there, or the connection is gone; the other node is still tried
            }
        }
    }

    @Override
    public void close() {
        destroyEverywhere();
        migrations.shutdownNow();
    }
}
