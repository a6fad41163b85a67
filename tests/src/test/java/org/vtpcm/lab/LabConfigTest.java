package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabConfigTest {
    @TempDir
    Path folder;

    @Test
    void aLabThatIsNotUpSaysHowToStartIt() {
        LabNotReadyException e = assertThrows(LabNotReadyException.class, () -> LabConfig.load(folder));
        assertTrue(e.getMessage().contains("vtpcm-lab up"), e.getMessage());
    }

    @Test
    void readsWhatTheLabToolWrites() throws Exception {
        Files.writeString(folder.resolve("lab.properties"), """
                lab.dir=/var/lib/vtpcm-lab
                controller.ip=10.200.0.254
                nodes=2
                guest.kernel=/g/vmlinuz
                guest.initrd=/g/initrd.img
                console.dir=/r/console
                swtpm.dir=/r/swtpm
                node.1.name=vtpcm-n1
                node.1.ip=10.200.0.1
                node.1.uri=qemu+tcp://10.200.0.1/system
                node.1.pid=100
                node.1.dir=/n/1
                node.2.name=vtpcm-n2
                node.2.ip=10.200.0.2
                node.2.uri=qemu+tcp://10.200.0.2/system
                node.2.pid=200
                node.2.dir=/n/2
                """);
        LabConfig lab = LabConfig.load(folder);
        assertEquals(2, lab.nodes().size());
        assertEquals("vtpcm-n2", lab.node(2).name());
        assertEquals(List.of("nsenter", "-t", "200", "-n", "-m", "-u", "--", "true"), lab.node(2).inNamespaces("true"));
        assertThrows(LabNotReadyException.class, () -> lab.node(3));
    }

    @Test
    void aMissingKeyIsNamed() throws Exception {
        Files.writeString(folder.resolve("lab.properties"), "nodes=1\n");
        LabNotReadyException e = assertThrows(LabNotReadyException.class, () -> LabConfig.load(folder));
        assertTrue(e.getMessage().contains("'node.1.name'"), e.getMessage());
    }

    @Test
    void domainXmlCarriesTheExternalTpmAndAcpi() {
        String xml = new GuestDomainXml("g1", UUID.randomUUID(), 128, Path.of("/k"), Path.of("/i"), Path.of("/c.log"),
                Path.of("/s/g1.ctrl")).toXml();
        assertTrue(xml.contains("<backend type='external'>"));
        assertTrue(xml.contains("path='/s/g1.ctrl'"));
        assertTrue(xml.contains("<acpi/>"), "without ACPI the guest sees no TPM2 table");
        assertThrows(IllegalArgumentException.class, () -> new GuestDomainXml("../x", UUID.randomUUID(), 128, Path.of("/k"),
                Path.of("/i"), Path.of("/c"), Path.of("/s")));
    }
}
