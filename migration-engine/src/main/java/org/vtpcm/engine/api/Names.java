package org.vtpcm.engine.api;

import java.util.Optional;
import java.util.regex.Pattern;
import org.vtpcm.service.rest.Requests;

/** The names requests give for VMs and hosts: 400 unless they are well formed. */
final class Names {
    private static final Pattern VM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");

    private Names() {
    }

    /** A VM named by its UUID or domain name, trimmed. */
    static String vm(String text) {
        return Requests.matching(text, "vm", VM, "a VM's UUID or domain name");
    }

    /** An optional destination host name, trimmed. */
    static Optional<String> host(String text, String field) {
        return Optional.ofNullable(text).map(host -> Requests.matching(host, field, HOST, "a host name"));
    }
}
