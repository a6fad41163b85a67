package org.vtpcm.manager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainXmlPatcherTest {
    private static final Path SOCKET = Path.of("/run/vtpcm/abc.ctrl");
    private final DomainXmlPatcher patcher = new DomainXmlPatcher();

    private static String domain(String extraDevices) {
        return """
                <domain type='qemu'>
                  <name>vm1</name>
                  <uuid>6f1b2a10-1111-4222-8333-444455556666</uuid>
                  <memory unit='MiB'>128</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type><kernel>/g/vmlinuz</kernel><initrd>/g/initrd.img</initrd>
                  <cmdline>console=ttyS0</cmdline></os>
                  <devices>
                    <disk type='file' device='disk'><source file='/img/disk.qcow2'/><target dev='vda'/></disk>
                    %s
                  </devices>
                </domain>""".formatted(extraDevices);
    }

    @Test
    void addsOurExternalTpmAndReadsTheBootArtifacts() {
        PreparedDomain prepared = patcher.prepare(domain(""), SOCKET);
        assertEquals("vm1", prepared.name());
        assertEquals("6f1b2a10-1111-4222-8333-444455556666", prepared.uuid().toString());
        assertTrue(prepared.xml().contains("<backend type=\"external\">"), prepared.xml());
        assertTrue(prepared.xml().contains("path=\"/run/vtpcm/abc.ctrl\""));
        // tpm-crb loses the response of a command in flight at a live migration's switchover (QEMU 7.2)
        assertTrue(prepared.xml().contains("<tpm model=\"tpm-tis\">"), prepared.xml());
        assertEquals(Optional.of(Path.of("/g/vmlinuz")), prepared.artifacts().kernel());
        assertEquals(Optional.of(Path.of("/g/initrd.img")), prepared.artifacts().initrd());
        assertEquals(List.of(Path.of("/img/disk.qcow2")), prepared.artifacts().disks());
        assertTrue(prepared.artifacts().launchDescriptor().contains("cmdline=console=ttyS0"));
    }

    @Test
    void replacesATpmThatLibvirtWouldOwn() {
        PreparedDomain prepared = patcher.prepare(domain("<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>"), SOCKET);
        assertFalse(prepared.xml().contains("emulator"), prepared.xml());
        assertEquals(1, prepared.xml().split("<tpm ").length - 1);
    }

    @Test
    void patchingIsIdempotent() {
        String once = patcher.prepare(domain(""), SOCKET).xml();
        PreparedDomain twice = patcher.prepare(once, SOCKET);
        assertEquals(1, twice.xml().split("<tpm ").length - 1);
        assertEquals(patcher.prepare(domain(""), SOCKET).artifacts(), twice.artifacts());
    }

    @Test
    void aMissingUuidIsAssigned() {
        PreparedDomain prepared = patcher.prepare(domain("").replaceAll("<uuid>.*</uuid>", ""), SOCKET);
        assertTrue(prepared.xml().contains("<uuid>" + prepared.uuid() + "</uuid>"));
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThrows(InvalidDomainException.class, () -> patcher.prepare("<domain", SOCKET));
        assertThrows(InvalidDomainException.class, () -> patcher.prepare("<network/>", SOCKET));
        assertThrows(InvalidDomainException.class, () -> patcher.prepare(domain("").replace("type='qemu'", "type='xen'"), SOCKET));
        assertThrows(InvalidDomainException.class, () -> patcher.prepare(domain("").replace("<name>vm1</name>", "<name>../x</name>"), SOCKET));
        assertThrows(InvalidDomainException.class, () -> patcher.prepare(domain("").replace("<uuid>6f1b2a10-1111-4222-8333-444455556666",
                "<uuid>nope"), SOCKET));
        assertThrows(InvalidDomainException.class, () -> patcher.prepare(domain("").replace("/g/vmlinuz", "vmlinuz"), SOCKET));
        assertThrows(InvalidDomainException.class, () -> patcher.prepare("x".repeat(300_000), SOCKET));
    }

    @Test
    void externalEntitiesAreRefused() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>" + domain("").replace("vm1", "&x;");
        InvalidDomainException e = assertThrows(InvalidDomainException.class, () -> patcher.prepare(xxe, SOCKET));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }
}
