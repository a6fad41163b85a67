package org.vtpcm.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceTpmTest {
    @Test
    void noDeviceTpmOnThisMachine() {
        Assumptions.assumeFalse(Files.exists(DeviceTpm.DEFAULT_DEVICE), "this host has a device TPM");
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> DeviceTpm.open(DeviceTpm.DEFAULT_DEVICE));
        assertEquals("no device TPM at /dev/tpmrm0; on this machine use the emulated platform TPM", e.getMessage());
    }

    @Test
    void missingDevicePathIsAClearError(@TempDir Path temp) {
        Path missing = temp.resolve("tpmrm9");
        PlatformTpmException e = assertThrows(PlatformTpmException.class, () -> DeviceTpm.open(missing));
        assertEquals("no device TPM at " + missing + "; on this machine use the emulated platform TPM", e.getMessage());
    }
}
