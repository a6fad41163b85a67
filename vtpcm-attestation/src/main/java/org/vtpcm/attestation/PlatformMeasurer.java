package org.vtpcm.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Measured start of the node: hashes what the manager loads, extends the digest into a PCR of the
 * platform TPM and records the event, so a controller can replay the log against a quote.
 * Only PCRs that reset to zeros are accepted, because verifiers replay from zeros.
 */
public final class PlatformMeasurer {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final PlatformTpm tpm;
    private final List<PlatformEvent> log = new ArrayList<>();

    public PlatformMeasurer(PlatformTpm tpm) {
        this.tpm = Objects.requireNonNull(tpm, "tpm");
    }

    /** Measures the SHA-256 of a file's content; the description is "file:" and its absolute path. */
    public PlatformEvent measureFile(int pcr, Path file) {
        Objects.requireNonNull(file, "file");
        checkPcr(pcr);
        MessageDigest sha256 = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha256.update(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + file, e);
        }
        return record(new PlatformEvent(pcr, "file:" + file.toAbsolutePath().normalize(), sha256.digest()));
    }

    /** Measures the SHA-256 of {@code data} under the given description. */
    public PlatformEvent measureBytes(int pcr, String description, byte[] data) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(data, "data");
        checkPcr(pcr);
        return record(new PlatformEvent(pcr, description, sha256().digest(data)));
    }

    /** The events so far, in the order they were extended. */
    public synchronized List<PlatformEvent> eventLog() {
        return List.copyOf(log);
    }

    // Extend and append under one lock so the log order is the extend order.
    private synchronized PlatformEvent record(PlatformEvent event) {
        tpm.extend(event.pcr(), event.sha256Digest());
        log.add(event);
        return event;
    }

    private static void checkPcr(int pcr) {
        if (pcr < 0 || pcr > 23) {
            throw new IllegalArgumentException("PCR index must be 0..23, was " + pcr);
        }
        if (pcr >= 17 && pcr <= 22) {
            throw new IllegalArgumentException("PCR " + pcr + " is locality-resettable and starts at all ones;"
                    + " measure into PCRs 0..16 or 23");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }
}
