package org.vtpcm.manager.association;

import java.util.Locale;

/** What the TPCM layer does when a VM's boot artifacts do not match the reference values. */
public enum ControlPolicy {
    /** Refuse to start the VM, with the reason. */
    DENY,
    /** Start the VM and record an alert in the measurement log. */
    AUDIT;

    public static ControlPolicy parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("policy is missing (allowed: deny, audit)");
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "deny" -> DENY;
            case "audit" -> AUDIT;
            default -> throw new IllegalArgumentException("unknown policy '" + text + "' (allowed: deny, audit)");
        };
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
