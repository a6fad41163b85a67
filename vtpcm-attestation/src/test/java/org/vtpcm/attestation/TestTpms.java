package org.vtpcm.attestation;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/** Starts real swtpm-backed platform TPMs for tests; callers close them in @AfterEach. */
final class TestTpms {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private TestTpms() {
    }

    static EmulatedPlatformTpm start(Path base) {
        return EmulatedPlatformTpm.start(base.resolve("state"), base.resolve("run"), TIMEOUT);
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
