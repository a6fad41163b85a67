package org.vtpcm.collector.bundle;

/**
 * Size limits, in bytes, shared by the record validation and the wire format so that every valid
 * {@link StateBundle} can be sealed and every field length can be checked before allocating.
 */
final class Limits {

    /** Hard ceiling of a sealed bundle; a codec may be configured lower. */
    static final int MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
    static final int NONCE_BYTES = 32;
    static final int DIGEST_BYTES = 32;
    static final int KEY_ID_BYTES = 32;
    static final int NAME_BYTES = 128;
    /** PKCS#8 of a 256-bit EC key is about 150 bytes; room for other encodings, not for abuse. */
    static final int PRIVATE_KEY_BYTES = 2048;
    static final int PUBLIC_KEY_BYTES = 1024;
    static final int POLICY_BYTES = 16;
    /** DER ECDSA/SM2 signatures over 256-bit curves are at most 72 bytes. */
    static final int SIGNATURE_BYTES = 512;
    static final int REFERENCE_VALUE_BYTES = 128;

    // Measurement log entry strings (UTF-8 bytes).
    static final int ENTRY_AT_BYTES = 64;
    static final int ENTRY_EVENT_BYTES = 64;
    static final int ENTRY_TARGET_BYTES = 4096;
    static final int ENTRY_DIGEST_BYTES = 256;
    static final int ENTRY_VERDICT_BYTES = 64;
    static final int ENTRY_DETAIL_BYTES = 16384;
    static final int ENTRY_HASH_BYTES = 256;
    static final int ENTRY_SIGNATURE_BYTES = 1024;

    private Limits() {
    }
}
