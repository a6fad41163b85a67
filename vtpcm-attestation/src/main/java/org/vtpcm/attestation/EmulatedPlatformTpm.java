package org.vtpcm.attestation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's root of trust on hosts without a hardware TPM: an EMULATED TPM 2.0, a swtpm process
 * owned by the vTPCM manager. It gives no hardware guarantee; its state (EK, AK, persistent handles)
 * lives in a directory on the host. Each start is a fresh boot of the platform (TPM2_Startup(CLEAR)),
 * so PCRs start from their reset values, while the EK and AK stay the same.
 *
 * <p>Started with a state key ({@link #start(Path, Path, Duration, String, Path)}), swtpm encrypts its
 * state files with it (AES-256-CBC); the key file must live outside the state directory. Plain state
 * left by an older manager is encrypted once, keeping the EK and AK.
 *
 * <p>The manager talks to swtpm in-process through TSS.Java over the UNIX-domain data socket
 * {@code <runDirectory>/platform-tpm.sock}; {@code platform-tpm.ctrl} is swtpm's control channel.
 */
public final class EmulatedPlatformTpm implements PlatformTpm {
    public static final String DESCRIPTION =
            "emulated TPM 2.0 (swtpm, owned by the vTPCM manager; no hardware root of trust)";
    public static final String DEFAULT_SWTPM = "swtpm";

    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPlatformTpm.class);

    private final SwtpmProcess process;
    private final TssPlatform tpm;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmulatedPlatformTpm(SwtpmProcess process, TssPlatform tpm) {
        this.process = process;
        this.tpm = tpm;
    }

    /** Starts the emulated platform TPM with the {@code swtpm} found on the PATH. */
    public static EmulatedPlatformTpm start(Path stateDirectory, Path runDirectory, Duration timeout) {
        return start(stateDirectory, runDirectory, timeout, DEFAULT_SWTPM);
    }

    /**
     * Starts the emulated platform TPM with its state encrypted at rest under the key in
     * {@code stateKeyFile}: created (32 random bytes, 0600) at first start; plain state from before
     * is encrypted once with it (needs swtpm_ioctl). Refuses a key file inside the state directory,
     * and encrypted state whose key file is missing.
     *
     * @throws PlatformTpmException as {@link #start(Path, Path, Duration, String)}, and for the key problems above
     */
    public static EmulatedPlatformTpm start(Path stateDirectory, Path runDirectory, Duration timeout, String swtpmExecutable,
            Path stateKeyFile) {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(stateKeyFile, "stateKeyFile");
        Objects.requireNonNull(swtpmExecutable, "swtpmExecutable");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        Path state = stateDirectory.toAbsolutePath().normalize();
        Path key = stateKeyFile.toAbsolutePath().normalize();
        if (key.startsWith(state)) {
            throw new PlatformTpmException("the platform TPM's state key file " + key + " lies in its state directory " + state
                    + ": keep the key apart from the state it protects");
        }
        Path interrupted = PlainStateEncryption.plainFolder(state);
        if (!Files.exists(state) && Files.isDirectory(interrupted)) {
            try {
                Files.move(interrupted, state); // an encryption that crashed half-way: start it over
            } catch (IOException e) {
                throw new PlatformTpmException("cannot restore " + interrupted + " to " + state + ": " + e.getMessage(), e);
            }
        }
        PlatformTpmStateKey.Condition condition = PlatformTpmStateKey.condition(state);
        if (!Files.exists(key)) {
            if (condition == PlatformTpmStateKey.Condition.ENCRYPTED) {
                throw new PlatformTpmException("the emulated platform TPM's state in " + state + " is encrypted, but its key file " + key
                        + " is missing: restore the key file, or remove " + state + " and enroll the node again (vtpcm-manager enroll; "
                        + "its EK and AK change)");
            }
            PlatformTpmStateKey.create(key);
            LOG.info("created the platform TPM's state key file {}", key);
        }
        PlatformTpmStateKey.check(key);
        if (condition == PlatformTpmStateKey.Condition.PLAIN) {
            LOG.warn("the emulated platform TPM's state in {} is not encrypted: encrypting it with the key in {}", state, key);
            PlainStateEncryption.encrypt(swtpmExecutable, state, runDirectory.toAbsolutePath().normalize(), key, timeout);
        }
        return start(state, runDirectory, timeout, swtpmExecutable, Optional.of(key));
    }

    /**
     * Starts the emulated platform TPM with its state in plain files (tests, and tools that inspect
     * state); the manager uses {@link #start(Path, Path, Duration, String, Path)}.
     *
     * @param stateDirectory where swtpm keeps the TPM state (made absolute; created if missing)
     * @param runDirectory   where the sockets, pid file and logs go (created if missing)
     * @param timeout        bound for swtpm to start serving, and for each TPM command
     * @param swtpmExecutable the swtpm program (name on the PATH or absolute path)
     * @throws PlatformTpmException when swtpm is missing, fails, or does not start in time
     */
    public static EmulatedPlatformTpm start(Path stateDirectory, Path runDirectory, Duration timeout,
            String swtpmExecutable) {
        return start(stateDirectory, runDirectory, timeout, swtpmExecutable, Optional.empty());
    }

    private static EmulatedPlatformTpm start(Path stateDirectory, Path runDirectory, Duration timeout, String swtpmExecutable,
            Optional<Path> stateKey) {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(swtpmExecutable, "swtpmExecutable");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        SwtpmProcess process = SwtpmProcess.launch(swtpmExecutable, stateDirectory, runDirectory, stateKey);
        try {
            TssPlatform tpm = TssPlatform.open(process.awaitDataChannel(timeout), true);
            LOG.info("started the {} with pid {}; AK name {}", DESCRIPTION, process.pid(),
                    Hex.of(tpm.attestationKey().name()));
            return new EmulatedPlatformTpm(process, tpm);
        } catch (RuntimeException e) {
            process.stop();
            throw e;
        }
    }

    /** The process id of the swtpm emulating this TPM. */
    public long processId() {
        return process.pid();
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    @Override
    public byte[] endorsementKeyPublic() {
        return tpm.endorsementKeyPublic();
    }

    @Override
    public AttestationKey attestationKey() {
        return tpm.attestationKey();
    }

    @Override
    public void extend(int pcr, byte[] sha256Digest) {
        open().extend(pcr, sha256Digest);
    }

    @Override
    public Map<Integer, byte[]> readPcrs(int... pcrs) {
        return open().readPcrs(pcrs);
    }

    @Override
    public Quote quote(byte[] nonce, int... pcrs) {
        return open().quote(nonce, pcrs);
    }

    @Override
    public byte[] activateCredential(byte[] credentialBlob, byte[] encryptedSecret) {
        return open().activateCredential(credentialBlob, encryptedSecret);
    }

    /** Closes the connection and stops swtpm; the state directory is kept. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        tpm.close();
        process.stop();
        LOG.info("stopped the emulated platform TPM (swtpm pid {})", process.pid());
    }

    private TssPlatform open() {
        if (closed.get()) {
            throw new PlatformTpmException("the emulated platform TPM is closed");
        }
        return tpm;
    }

    @Override
    public String toString() {
        return DESCRIPTION + " [swtpm pid " + process.pid() + "]";
    }
}
