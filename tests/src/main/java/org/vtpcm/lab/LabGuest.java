package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.manager.libvirt.CompletedJob;
import org.vtpcm.manager.libvirt.LibvirtHost;
import org.vtpcm.manager.libvirt.MigrationOptions;

/**
 * The lab's TPM-checking guest: boots it on a node with its own swtpm, live-migrates it between
 * nodes (destination swtpm pre-started with empty state, as libvirt's external backend needs), and
 * tears it down. Knows which node it is on.
 */
public final class LabGuest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabGuest.class);
    private static final Duration FIRST_STEP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final LabConfig lab;
    private final LabHosts hosts;
    private final LabTpm swtpm;
    private final String name;
    private final GuestConsole console;
    private LabNode node;

    private LabGuest(LabConfig lab, LabHosts hosts, String name, LabTpm tpm) {
        this.lab = lab;
        this.hosts = hosts;
        this.swtpm = tpm;
        this.name = name;
        this.console = new GuestConsole(lab.consoleDirectory().resolve(name + ".log"));
    }

    /** Boots the guest on the node and waits until its first TPM check step. */
    public static LabGuest boot(LabConfig lab, LabHosts hosts, LabNode node, String name, int memoryMiB) {
        return boot(lab, hosts, node, name, memoryMiB, new LabSwtpm(lab));
    }

    /** Boots the guest with the given way of providing its TPM engine. */
    public static LabGuest boot(LabConfig lab, LabHosts hosts, LabNode node, String name, int memoryMiB, LabTpm tpm) {
        requireNonNull(node, "node is null");
        LabGuest guest = new LabGuest(requireNonNull(lab, "lab is null"), requireNonNull(hosts, "hosts is null"), name,
                requireNonNull(tpm, "tpm is null"));
        for (LabNode any : lab.nodes()) {
            if (hosts.host(any).state(name).isPresent()) {
                throw new LabNotReadyException("a domain named " + name + " already exists on " + any);
            }
        }
        try {
            Files.deleteIfExists(guest.console.file());
        } catch (IOException e) {
            throw new LabNotReadyException("cannot reset console " + guest.console.file() + ": " + e.getMessage());
        }
        guest.swtpm.startFresh(node, name);
        GuestDomainXml xml = new GuestDomainXml(name, UUID.randomUUID(), memoryMiB, lab.guestKernel(), lab.guestInitrd(),
                guest.console.file(), guest.swtpm.controlSocket(name));
        hosts.host(node).startTransient(xml.toXml());
        guest.node = node;
        guest.console.awaitStepAfter(0, FIRST_STEP_TIMEOUT);
        LOG.info("guest {} booted on {} and runs its TPM check", name, node);
        return guest;
    }

    public String name() {
        return name;
    }

    public LabNode node() {
        return node;
    }

    public GuestConsole console() {
        return console;
    }

    public LabTpm swtpm() {
        return swtpm;
    }

    /** Live-migrates the guest to {@code destination} and waits until it makes progress there. */
    public HopResult migrateTo(LabNode destination, MigrationOptions options) {
        requireNonNull(destination, "destination is null");
        if (destination.equals(node)) {
            throw new IllegalArgumentException("guest " + name + " is already on " + destination);
        }
        LabNode source = node;
        swtpm.startFresh(destination, name);
        long lastBefore = console.lastSeq();
        LibvirtHost sourceHost = hosts.host(source);
        Duration wall;
        try {
            wall = sourceHost.migrateLive(name, destination.libvirtUri(), options);
        } catch (RuntimeException e) {
            swtpm.kill(destination, name);
            throw e;
        }
        node = destination;
        if (!hosts.host(destination).state(name).map(org.vtpcm.nodeapi.DomainState::isActive).orElse(false)) {
            String panic = console.lines().stream().filter(line -> line.contains("Kernel panic") || line.contains("invalid opcode")
                    || line.contains("BUG:")).findFirst().orElse("no panic on the console");
            throw new LabNotReadyException("after migrating " + name + " to " + destination + " it is not active there; guest: "
                    + panic + "; QEMU log: " + logTail(destination));
        }
        CompletedJob job = hosts.host(destination).completedJob(name).orElse(new CompletedJob(-1, -1, -1));
        boolean sourceEngineGone = swtpm.awaitExit(source, name, Duration.ofSeconds(5));
        long firstAfter = console.awaitStepAfter(lastBefore, STEP_TIMEOUT);
        HopResult result = new HopResult(source.name(), destination.name(), wall.toMillis(), job.elapsedMillis(),
                job.downtimeMillis(), job.dataTransferredBytes(), sourceEngineGone, lastBefore, firstAfter);
        LOG.info("guest {} migrated {} -> {} in {} ms (QEMU downtime {} ms)", name, source, destination, result.wallMillis(),
                result.qemuDowntimeMillis());
        return result;
    }

    /** The last lines of libvirt's QEMU log of this guest on a node, for failure messages. */
    public String logTail(LabNode on) {
        java.nio.file.Path log = on.directory().resolve("log-libvirt").resolve("qemu").resolve(name + ".log");
        try {
            java.util.List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** The continuity verdict over everything the guest reported so far. */
    public ContinuityVerdict verdict() {
        return ContinuityChecker.check(console.steps());
    }

    /** Destroys the guest wherever it runs and stops its TPM engines. */
    @Override
    public void close() {
        for (LabNode any : lab.nodes()) {
            try {
                hosts.host(any).destroy(name);
            } catch (RuntimeException e) {
                LOG.warn("could not destroy {} on {}: {}", name, any, e.getMessage());
            }
            swtpm.kill(any, name);
        }
    }
}
