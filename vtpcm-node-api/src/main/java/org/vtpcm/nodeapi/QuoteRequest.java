package org.vtpcm.nodeapi;

/** Body of {@code POST /v1/attestation/quote}: the verifier's nonce, hex (16 to 64 bytes). */
public record QuoteRequest(String nonce) {
}
