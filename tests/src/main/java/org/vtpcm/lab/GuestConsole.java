package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's serial console file. All nodes append to the same file, so a line that a
 * switchover cuts in two is whole again, and a guest cloned onto two nodes would repeat steps.
 */
public final class GuestConsole {
    /** What the guest's init prints when it finds no TPM device (after waiting 10 s for one); then it idles. */
    public static final String NO_TPM_DEVICE = "reason=no-tpm-device";

    private final Path file;

    public GuestConsole(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    public Path file() {
        return file;
    }

    /** Complete lines so far (a last line without its newline is left for the next read). */
    public List<String> lines() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new LabNotReadyException("cannot read console " + file + ": " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\r", "");
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return List.of(text.substring(0, end).split("\n", -1));
    }

    /** The guest's step lines so far, in console order. */
    public List<TpmCheckLine> steps() {
        List<TpmCheckLine> steps = new ArrayList<>();
        for (String line : lines()) {
            TpmCheckLine.parse(line).ifPresent(steps::add);
        }
        return List.copyOf(steps);
    }

    /** The highest step number seen, 0 if none. */
    public long lastSeq() {
        return steps().stream().mapToLong(TpmCheckLine::seq).max().orElse(0);
    }

    /**
     * Waits until the guest reports a step beyond {@code afterSeq}.
     *
     * @return the highest step seen
     * @throws LabNotReadyException when the guest made no progress in time
     */
    public long awaitStepAfter(long afterSeq, Duration timeout) {
        return awaitStep(this::lastSeq, afterSeq, timeout, Duration.ofMillis(50), "the guest", "console: " + file);
    }

    /**
     * Waits until a line containing {@code fragment} is on the console.
     *
     * @throws LabNotReadyException when none came in time
     */
    public void awaitLine(String fragment, Duration timeout, String guest) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines().stream().noneMatch(line -> line.contains(fragment))) {
            if (System.nanoTime() - deadline > 0) {
                throw new LabNotReadyException(guest + " did not print '" + fragment + "' within " + timeout.toSeconds() + " s; console: "
                        + file);
            }
            LabSwtpm.sleep(100);
        }
    }

    /** The wait of {@link #awaitStepAfter}, for any source of step numbers (one console file, or several). */
    static long awaitStep(java.util.function.LongSupplier lastSeq, long afterSeq, Duration timeout, Duration poll, String guest,
            String where) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long last = lastSeq.getAsLong();
            if (last > afterSeq) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new LabNotReadyException(guest + " made no TPM check step after seq=" + afterSeq + " within "
                        + timeout.toSeconds() + "s; " + where);
            }
            LabSwtpm.sleep(poll.toMillis());
        }
    }
}
