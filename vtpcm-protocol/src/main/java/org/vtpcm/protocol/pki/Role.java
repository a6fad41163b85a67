package org.vtpcm.protocol.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an identity of the cloud CA is for. The CA writes the role into every TLS certificate as an
 * extra extended-key-usage purpose (beside serverAuth/clientAuth); every endpoint checks an
 * allow-list of roles, so a certificate's name alone never grants anything.
 *
 * <p>The OIDs sit under a private-enterprise-style arc whose every component fits in 64 bits:
 * GnuTLS (QEMU's and libvirt's TLS) cannot parse a certificate whose key purposes hold a larger
 * number, so the registration-free UUID arc ({@code 2.25.<128-bit uuid>}) made every node-qemu
 * identity unusable. The number is not registered with IANA yet; since a role is only ever
 * believed on a certificate our own cloud CA signed, another meaning of the same OID elsewhere can
 * grant nothing here.
 */
public enum Role {
    /** The migration engine: calls every manager's migration hooks, attestation and association reads. */
    ENGINE("engine", 1),
    /** A node's vTPCM manager: sends bundle chunks to the destination the engine named, nothing else elsewhere. */
    NODE_MANAGER("node-manager", 2),
    /** A node's QEMU/libvirt migration stream: good for QEMU's own TLS only. */
    NODE_QEMU("node-qemu", 3),
    /** Nova's compute service on one node ({@code nova-compute.<node>}): the Nova hooks and its own node's vTPCMs. */
    NOVA_COMPUTE("nova-compute", 4),
    /** A human operator or an automation acting for one: the engine's operator API and CLI. */
    OPERATOR("operator", 5),
    /** The Horizon panel: the engine's read API and the actions the panel offers. */
    DASHBOARD("dashboard", 6);

    /** The arc all role purposes live under. */
    public static final String ARC = "1.3.6.1.4.1.59320.7";

    private final String label;
    private final String oid;

    Role(String label, int number) {
        this.label = label;
        this.oid = ARC + "." + number;
    }

    /** The role's name as operators type it ({@code node-manager}). */
    public String label() {
        return label;
    }

    /** The extended-key-usage purpose OID that carries this role. */
    public String oid() {
        return oid;
    }

    /**
     * The role by its label.
     *
     * @throws IllegalArgumentException for an unknown label, naming the known ones
     */
    public static Role ofLabel(String label) {
        for (Role role : values()) {
            if (role.label.equals(label)) {
                return role;
            }
        }
        List<String> known = new ArrayList<>();
        for (Role role : values()) {
            known.add(role.label);
        }
        throw new IllegalArgumentException("unknown role '" + label + "'; known roles: " + String.join(", ", known));
    }

    /**
     * The one role a certificate carries. Empty when it carries none, or more than one (the CA
     * issues exactly one; two would let a certificate pass for either, so it is worth nothing).
     */
    public static Optional<Role> of(X509Certificate certificate) {
        if (certificate == null) {
            return Optional.empty();
        }
        List<String> purposes;
        try {
            purposes = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (purposes == null) {
            return Optional.empty();
        }
        Role found = null;
        for (String purpose : purposes) {
            for (Role role : values()) {
                if (role.oid.equals(purpose)) {
                    if (found != null) {
                        return Optional.empty();
                    }
                    found = role;
                }
            }
        }
        return Optional.ofNullable(found);
    }
}
