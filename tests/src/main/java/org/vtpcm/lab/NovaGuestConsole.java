package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The serial console of a guest Nova runs: Nova writes {@code console.log} in the instance's folder
 * on the node the guest runs on, and the node it arrives at starts its own file (a node it returns
 * to starts its file again). Every step seen in any of them is kept, by its number.
 *
 * <p>A switchover can cut the line being printed in two files: that one step's line is lost, so a
 * single missing step at a migration is not a break (the guest itself checks each step against
 * the previous one and reports a failure on its next line if the state did not continue).
 */
public final class NovaGuestConsole implements AutoCloseable {
    private static final long SAMPLE_MILLIS = 200;

    private final List<GuestConsole> files;
    private final TreeMap<Long, TpmCheckLine> seen = new TreeMap<>();
    private final java.util.LinkedHashSet<String> kernelLines = new java.util.LinkedHashSet<>();
    private volatile boolean sampling;

    public NovaGuestConsole(OpenStackLab openstack, List<LabNode> nodes, String serverId) {
        requireNonNull(openstack, "openstack is null");
        this.files = nodes.stream().map(node -> new GuestConsole(openstack.consoleLog(node, serverId))).toList();
    }

    NovaGuestConsole(List<java.nio.file.Path> consoleFiles) {
        this.files = consoleFiles.stream().map(GuestConsole::new).toList();
    }

    /**
     * Reads the files every 200 ms in the background until closed: Nova deletes the instance's
     * folder on the source after a live migration, and with it the lines printed there meanwhile.
     */
    public NovaGuestConsole sampling() {
        sampling = true;
        Thread sampler = new Thread(() -> {
            while (sampling) {
                try {
                    steps();
                } catch (LabNotReadyException e) {
                    // a file vanished between listing and reading: the next round reads the others
                }
                LabSwtpm.sleep(SAMPLE_MILLIS);
            }
        }, "nova-console-sampler");
        sampler.setDaemon(true);
        sampler.start();
        return this;
    }

    @Override
    public void close() {
        sampling = false;
    }

    /** All steps seen so far, by number. */
    public synchronized List<TpmCheckLine> steps() {
        for (GuestConsole file : files) {
            for (String line : file.lines()) {
                TpmCheckLine.parse(line).ifPresentOrElse(step -> seen.putIfAbsent(step.seq(), step), () -> {
                    if (line.startsWith("[") && kernelLines.size() < 200) {
                        kernelLines.add(line.strip()); // the guest kernel's own lines (errors and worse at its log level)
                    }
                });
            }
        }
        return new ArrayList<>(seen.values());
    }

    /** The guest kernel's lines seen on any node (for a failure's context). */
    public synchronized List<String> kernelLines() {
        return List.copyOf(kernelLines);
    }

    public long lastSeq() {
        List<TpmCheckLine> steps = steps();
        return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).seq();
    }

    /** Waits until the guest reports a step beyond {@code afterSeq}; LabNotReadyException when it made none in time. */
    public long awaitStepAfter(long afterSeq, Duration timeout) {
        return GuestConsole.awaitStep(this::lastSeq, afterSeq, timeout, Duration.ofMillis(100), "the Nova guest",
                "consoles: " + files.stream().map(GuestConsole::file).toList());
    }

    /**
     * The continuity verdict: every step ok, numbered from 1, its NV counter exactly one above the
     * previous step's per step number, and no more than one step missing in a row (a line a
     * switchover cut in two).
     */
    public ContinuityVerdict verdict() {
        List<TpmCheckLine> steps = steps();
        List<String> problems = new ArrayList<>();
        TpmCheckLine previous = null;
        for (TpmCheckLine step : steps) {
            if (previous == null && step.seq() != 1) {
                problems.add("first step is seq=" + step.seq() + ", not seq=1");
            }
            if (!step.ok()) {
                problems.add("seq=" + step.seq() + " fail reason=" + step.reason());
            }
            if (previous != null) {
                long missing = step.seq() - previous.seq() - 1;
                if (missing > 1) {
                    problems.add("gap: seq=" + (previous.seq() + 1) + ".." + (step.seq() - 1) + " missing");
                } else if (step.ok() && previous.ok() && step.nv() != previous.nv() + missing + 1) {
                    problems.add("seq=" + step.seq() + " nv=" + step.nv() + " does not follow nv=" + previous.nv() + " at seq="
                            + previous.seq());
                }
            }
            previous = step;
        }
        return new ContinuityVerdict(steps.size(), steps.isEmpty() ? 0 : steps.get(0).seq(), previous == null ? 0 : previous.seq(),
                problems);
    }
}
