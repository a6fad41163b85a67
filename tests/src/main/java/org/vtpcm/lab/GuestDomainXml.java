package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The libvirt domain of the lab's TPM-checking guest: direct kernel boot of Debian's cloud kernel
 * with the busybox + tpm2-tools initramfs under TCG, the serial console appended to a file, and a
 * TPM 2.0 TIS device whose engine is an external swtpm reached through a UNIX socket (TIS, not CRB:
 * see DomainXmlPatcher; the manager writes the same device).
 *
 * @param name domain name (letters, digits, '-', '_', '.')
 * @param uuid domain uuid
 * @param memoryMiB guest memory
 * @param kernel guest kernel
 * @param initrd guest initramfs
 * @param consoleLog file the serial console is appended to
 * @param tpmSocket swtpm control socket
 */
public record GuestDomainXml(String name, UUID uuid, int memoryMiB, Path kernel, Path initrd, Path consoleLog, Path tpmSocket) {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public GuestDomainXml {
        requireNonNull(name, "name is null");
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid domain name '" + name + "'");
        }
        requireNonNull(uuid, "uuid is null");
        if (memoryMiB < 64 || memoryMiB > 65536) {
            throw new IllegalArgumentException("memoryMiB must be 64..65536, got " + memoryMiB);
        }
        requireNonNull(kernel, "kernel is null");
        requireNonNull(initrd, "initrd is null");
        requireNonNull(consoleLog, "consoleLog is null");
        requireNonNull(tpmSocket, "tpmSocket is null");
    }

    /**
     * The domain XML. ACPI must be on: without it SeaBIOS's fallback tables lack the TPM2 table.
     * {@code pti=on} works around a QEMU 7.2 TCG bug (fixed upstream by 03bfc2188f, QEMU 9.0; not in
     * Debian 12): a dirty-bitmap sync leaves TLB entries that write without marking pages dirty, so
     * a live migration loses guest writes until the next TLB flush. With page-table isolation every
     * kernel entry and exit loads CR3, which flushes TCG's TLB and closes that window (at a 12 MiB/s
     * cap: 7 of 20 hops corrupted the guest without it, 0 of 24 with it). KVM is not affected.
     */
    public String toXml() {
        return """
                <domain type='qemu'>
                  <name>%s</name>
                  <uuid>%s</uuid>
                  <memory unit='MiB'>%d</memory>
                  <vcpu>1</vcpu>
                  <os>
                    <type arch='x86_64' machine='q35'>hvm</type>
                    <kernel>%s</kernel>
                    <initrd>%s</initrd>
                    <cmdline>console=ttyS0 quiet loglevel=3 oops=panic panic=-1 pti=on</cmdline>
                  </os>
                  <features><acpi/><apic/></features>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>destroy</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <serial type='file'>
                      <source path='%s' append='on'/>
                      <target port='0'/>
                    </serial>
                    <tpm model='tpm-tis'>
                      <backend type='external'>
                        <source type='unix' mode='connect' path='%s'/>
                      </backend>
                    </tpm>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(name, uuid, memoryMiB, escape(kernel), escape(initrd), escape(consoleLog), escape(tpmSocket));
    }

    private static String escape(Path path) {
        return path.toString().replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
