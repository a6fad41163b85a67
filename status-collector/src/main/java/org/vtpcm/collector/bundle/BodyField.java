package org.vtpcm.collector.bundle;

/**
 * The fields of a bundle body, in their one allowed order. Tags are strictly increasing and every
 * field of the body's format version is required, so a body has exactly one valid layout per
 * version. The length bounds are checked before a field's bytes are touched.
 */
enum BodyField {
    FORMAT_VERSION(0x01, 4, 4),
    MIGRATION_ID(0x02, 16, 16),
    NONCE(0x03, Limits.NONCE_BYTES, Limits.NONCE_BYTES),
    VTPCM_ID(0x04, 16, 16),
    VM_UUID(0x05, 16, 16),
    VM_NAME(0x06, 1, Limits.NAME_BYTES),
    EPOCH(0x07, 8, 8),
    SOURCE_NODE(0x08, 1, Limits.NAME_BYTES),
    DESTINATION_NODE(0x09, 1, Limits.NAME_BYTES),
    SUITE(0x0a, 1, 1),
    IDENTITY_PRIVATE_KEY(0x0b, 1, Limits.PRIVATE_KEY_BYTES),
    IDENTITY_PUBLIC_KEY(0x0c, 1, Limits.PUBLIC_KEY_BYTES),
    POLICY(0x0d, 1, Limits.POLICY_BYTES),
    /** u32 count, then per entry: i64 seq and nine u32-length-prefixed UTF-8 strings. */
    MEASUREMENT_LOG(0x0e, 4, Limits.MAX_BUNDLE_BYTES),
    /** u32 count, then per value: a u32-length-prefixed ASCII hex string. */
    REFERENCE_VALUES(0x0f, 4, 4 + Checks.MAX_LIST * (4 + Limits.REFERENCE_VALUE_BYTES)),
    /**
     * Format version 1 only: the TPM state digest, which was always zeros. Read (length checked)
     * and skipped in a version-1 body, never written; its tag is not reused.
     */
    V1_TPM_STATE_DIGEST(0x10, Limits.DIGEST_BYTES, Limits.DIGEST_BYTES),
    /** i64 epoch seconds, then i32 nanoseconds in 0..999,999,999. */
    CREATED_AT(0x11, 12, 12);

    /** Smallest encoded log entry: seq plus nine empty strings. */
    static final int MIN_ENTRY_BYTES = 8 + 9 * 4;
    /** Smallest encoded reference value: its length and two hex digits. */
    static final int MIN_REFERENCE_VALUE_BYTES = 4 + 2;

    private static final BodyField[] BY_TAG = new BodyField[256];

    static {
        for (BodyField field : values()) {
            BY_TAG[field.tag] = field;
        }
    }

    final int tag;
    final long minLength;
    final long maxLength;

    BodyField(int tag, long minLength, long maxLength) {
        this.tag = tag;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** The field with this tag, or null if the tag is unknown. */
    static BodyField byTag(int tag) {
        return BY_TAG[tag & 0xff];
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
