package org.vtpcm.attestation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The host's hardware (device) TPM 2.0 through the kernel resource manager, normally /dev/tpmrm0.
 * Used on real hosts instead of {@link EmulatedPlatformTpm} when configuration selects it.
 */
public final class DeviceTpm implements PlatformTpm {
    public static final Path DEFAULT_DEVICE = Path.of("/dev/tpmrm0");

    private final Path devicePath;
    private final TssPlatform tpm;

    private DeviceTpm(Path devicePath, TssPlatform tpm) {
        this.devicePath = devicePath;
        this.tpm = tpm;
    }

    /**
     * Opens the device TPM and finds or creates the persistent EK and AK.
     *
     * @throws PlatformTpmException when there is no such device or it cannot be used
     */
    public static DeviceTpm open(Path devicePath) {
        Objects.requireNonNull(devicePath, "devicePath");
        if (!Files.exists(devicePath)) {
            throw new PlatformTpmException("no device TPM at " + devicePath
                    + "; on this machine use the emulated platform TPM");
        }
        try {
            return new DeviceTpm(devicePath, TssPlatform.open(CharDeviceTpmDevice.open(devicePath), false));
        } catch (IOException e) {
            throw new PlatformTpmException("cannot open the device TPM at " + devicePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return "device TPM 2.0 at " + devicePath;
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
        tpm.extend(pcr, sha256Digest);
    }

    @Override
    public Map<Integer, byte[]> readPcrs(int... pcrs) {
        return tpm.readPcrs(pcrs);
    }

    @Override
    public Quote quote(byte[] nonce, int... pcrs) {
        return tpm.quote(nonce, pcrs);
    }

    @Override
    public byte[] activateCredential(byte[] credentialBlob, byte[] encryptedSecret) {
        return tpm.activateCredential(credentialBlob, encryptedSecret);
    }

    @Override
    public void close() {
        tpm.close();
    }
}
