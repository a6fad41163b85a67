package org.vtpcm.manager.libvirt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibvirtStatusFilesTest {
    @TempDir
    Path directory;

    private boolean confirmedWith(String job) throws Exception {
        Files.writeString(directory.resolve("guest.xml"), "<domstatus state='paused' reason='migration' pid='42'>\n"
                + "  <taint flag='custom-argv'/>\n" + job + "\n  <domain type='qemu'><name>guest</name></domain>\n</domstatus>\n");
        return new LibvirtStatusFiles(directory).confirmed("guest");
    }

    @Test
    void theConfirmPhaseOfASuccessfulOutgoingMigrationIsConfirmed() throws Exception {
        assertTrue(confirmedWith("  <job type='none' async='migration out' phase='confirm3' flags='0x1000'>\n"
                + "    <migParams/>\n  </job>"));
    }

    @Test
    void earlierPhasesACancelledConfirmAndIncomingMigrationsAreNot() throws Exception {
        assertFalse(confirmedWith("  <job type='none' async='migration out' phase='perform3' flags='0x1000'/>"));
        assertFalse(confirmedWith("  <job type='none' async='migration out' phase='confirm3_cancelled' flags='0x1000'/>"));
        assertFalse(confirmedWith("  <job type='none' async='migration in' phase='confirm3'/>"));
        assertFalse(confirmedWith(""));
    }

    @Test
    void aMissingUnreadableOrHostileFileIsNotConfirmed() throws Exception {
        LibvirtStatusFiles files = new LibvirtStatusFiles(directory);
        assertFalse(files.confirmed("absent"));
        Files.writeString(directory.resolve("torn.xml"), "<domstatus><job async='migration out' phase='confirm3'");
        assertFalse(files.confirmed("torn"));
        Files.writeString(directory.resolve("dtd.xml"), "<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                + "<domstatus><job async='migration out' phase='confirm3'>&e;</job></domstatus>");
        assertFalse(files.confirmed("dtd"));
        assertFalse(files.confirmed("../guest"));
        assertFalse(files.confirmed(""));
    }
}
