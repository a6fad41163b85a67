package org.vtpcm.protocol.pki;

import java.time.Duration;
import java.util.Set;

/** The roles an operator may issue client identities for with the CLIs, and how names go with them. */
public final class ClientRoles {
    /** Client identities live 90 days; renewing one is issuing a new one (and revoking the old). */
    public static final Duration VALIDITY = Duration.ofDays(90);
    /** The prefix of a compute service's name: {@code nova-compute.<node>}. */
    public static final String COMPUTE_PREFIX = "nova-compute.";

    private static final Set<Role> ISSUABLE = Set.of(Role.OPERATOR, Role.DASHBOARD, Role.NOVA_COMPUTE);

    private ClientRoles() {
    }

    /**
     * The role for a client identity named {@code name}.
     *
     * @throws IllegalArgumentException when the role is unknown, not one a client gets (engine and
     *         node identities come from the engine and from enrollment), or does not fit the name
     */
    public static Role check(String label, String name) {
        Role role = Role.ofLabel(label);
        if (!ISSUABLE.contains(role)) {
            throw new IllegalArgumentException("'" + label + "' identities are not issued as clients; "
                    + "choose operator, dashboard or nova-compute");
        }
        boolean computeName = name.startsWith(COMPUTE_PREFIX);
        if (role == Role.NOVA_COMPUTE && (!computeName || name.length() == COMPUTE_PREFIX.length())) {
            throw new IllegalArgumentException("a nova-compute identity is named nova-compute.<node>, got '" + name + "'");
        }
        if (role != Role.NOVA_COMPUTE && computeName) {
            throw new IllegalArgumentException("the name '" + name + "' is reserved for nova-compute identities");
        }
        return role;
    }
}
