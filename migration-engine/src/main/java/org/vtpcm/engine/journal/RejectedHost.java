package org.vtpcm.engine.journal;

/** A host target selection did not pick, and why (not attested, quote failed, no capacity, ...). */
public record RejectedHost(String host, String reason) {
}
