package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab guest's domain for the libvirt-only baselines of the overhead benchmark: the same
 * {@link GuestDomainXml} (kernel, initramfs, memory, console), with its TPM device removed or
 * replaced by a libvirt-managed swtpm (the emulator backend, as Nova and KubeVirt use it; libvirt 9
 * carries its state inside QEMU's migration stream).
 */
final class BaselineDomainXml {
    private static final Pattern TPM_DEVICE = Pattern.compile("[ \\t]*<tpm\\b.*?</tpm>[ \\t]*\\n", Pattern.DOTALL);
    private static final String LIBVIRT_SWTPM = """
                <tpm model='tpm-tis'>
                  <backend type='emulator' version='2.0'/>
                </tpm>
            """;

    private BaselineDomainXml() {
    }

    /** No TPM at all: the guest's init reports that it has no TPM device and then sleeps. */
    static String withoutTpm(GuestDomainXml guest) {
        return replaceTpm(guest, "");
    }

    /** A TPM 2.0 TIS device whose swtpm libvirt starts, stops and migrates itself. */
    static String withLibvirtSwtpm(GuestDomainXml guest) {
        return replaceTpm(guest, LIBVIRT_SWTPM);
    }

    private static String replaceTpm(GuestDomainXml guest, String device) {
        requireNonNull(guest, "guest is null");
        String xml = guest.toXml();
        Matcher matcher = TPM_DEVICE.matcher(xml);
        if (!matcher.find()) {
            throw new IllegalStateException("the lab guest's domain XML has no <tpm> device to replace");
        }
        return matcher.replaceFirst(Matcher.quoteReplacement(device));
    }
}
