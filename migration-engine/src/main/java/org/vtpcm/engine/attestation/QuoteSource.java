package org.vtpcm.engine.attestation;

import org.vtpcm.nodeapi.QuoteEvidence;

/** Where the attester gets a node's quote evidence: its manager, over mutual TLS (a fake in tests). */
@FunctionalInterface
public interface QuoteSource {
    /**
     * The node's answer to a quote request over {@code nonce}.
     *
     * @throws org.vtpcm.nodeapi.ManagerClientException when the manager cannot be reached, or answers no quote evidence
     *     ({@link org.vtpcm.nodeapi.ManagerClientException#MALFORMED_ANSWER})
     */
    QuoteEvidence quote(String host, byte[] nonce);
}
