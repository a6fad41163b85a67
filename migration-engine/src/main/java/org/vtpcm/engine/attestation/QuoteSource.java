package org.vtpcm.engine.attestation;

import com.fasterxml.jackson.databind.JsonNode;

/** Where the attester gets a node's quote evidence: its manager, over mutual TLS (a fake in tests). */
@FunctionalInterface
public interface QuoteSource {
    /**
     * The node's answer to a quote request over {@code nonce}.
     *
     * @throws org.vtpcm.manager.client.ManagerClientException when the manager cannot be reached
     */
    JsonNode quote(String host, byte[] nonce);
}
