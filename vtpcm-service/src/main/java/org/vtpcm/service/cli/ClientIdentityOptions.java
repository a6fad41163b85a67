package org.vtpcm.service.cli;

import java.nio.file.Path;
import java.util.List;
import org.vtpcm.protocol.pki.ClientRoles;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;
import picocli.CommandLine.Option;

/** The options of a command that issues a client identity from the cloud CA (the engine's and the manager's), and the issuing. */
public final class ClientIdentityOptions {
    @Option(names = "--name", required = true, description = "client common name (not a host's name)")
    String name;

    @Option(names = "--out", required = true, description = "folder for <name>.key, <name>.crt, ca.crt")
    Path out;

    @Option(names = "--role", required = true, description = "the identity's role: operator, dashboard or nova-compute "
            + "(nova-compute identities are named nova-compute.<node>)")
    String role;

    public String name() {
        return name;
    }

    public Path out() {
        return out;
    }

    /** The role asked for, checked against the name. */
    public Role role() {
        return ClientRoles.check(role, name);
    }

    /** A client identity of the role, for {@link ClientRoles#VALIDITY}; refuses a name that is not a plain DNS-like label. */
    public IssuedIdentity issue(CloudCa ca) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw new IllegalArgumentException("invalid client name '" + name + "'");
        }
        return ca.issueTlsIdentity(role(), name, List.of(), List.of(), ClientRoles.VALIDITY, false, true);
    }
}
