package org.vtpcm.collector.bundle;

import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Decodes a body written by {@link BodyWriter}, strictly: every field of its format version
 * exactly once, in tag order, within its length bounds, with exactly its own bytes and nothing
 * after the last field. Any other input is {@link Reason#MALFORMED}. Together with the strict
 * value decoding this makes the encoding canonical: an accepted body of the current version
 * re-encodes to the same bytes.
 *
 * <p>A body of the {@linkplain StateBundle#PREVIOUS_FORMAT_VERSION previous version} is read the
 * same way except that its {@link BodyField#V1_TPM_STATE_DIGEST} field (exactly 32 bytes) is
 * required between the reference values and the creation time, and skipped. It decodes to a
 * bundle of the current version (and so re-encodes as one).
 */
final class BodyReader {

    private final ByteSource in;
    private BodyField previous;

    private BodyReader(byte[] body) {
        this.in = new ByteSource(body, Reason.MALFORMED, "body");
    }

    /**
     * @param envelopeVersion the format version the envelope declares (one this code reads): the
     *        body's own version field must say the same, and selects the layout
     * @throws BundleRejectedException ({@link Reason#MALFORMED}) for anything but a valid body
     */
    static StateBundle read(byte[] body, int envelopeVersion) {
        try {
            return new BodyReader(body).bundle(envelopeVersion);
        } catch (BundleRejectedException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            // The record's own validation; its messages name fields and rules, never values.
            throw new BundleRejectedException(Reason.MALFORMED, "invalid value: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Defensive: whatever else the input provokes is still just a malformed body.
            throw new BundleRejectedException(Reason.MALFORMED, "unexpected " + e.getClass().getSimpleName()
                    + " while parsing the body", e);
        }
    }

    private StateBundle bundle(int envelopeVersion) {
        int formatVersion = fixed(BodyField.FORMAT_VERSION).i32();
        if (formatVersion != envelopeVersion) {
            throw malformed("the body says format version " + formatVersion + ", the envelope "
                    + envelopeVersion);
        }
        if (formatVersion != StateBundle.FORMAT_VERSION && formatVersion != StateBundle.PREVIOUS_FORMAT_VERSION) {
            throw malformed("format version " + formatVersion + " is not supported (supported: "
                    + StateBundle.PREVIOUS_FORMAT_VERSION + ", " + StateBundle.FORMAT_VERSION + ")");
        }
        UUID migrationId = fixed(BodyField.MIGRATION_ID).uuid();
        byte[] nonce = whole(BodyField.NONCE);
        UUID vtpcmId = fixed(BodyField.VTPCM_ID).uuid();
        UUID vmUuid = fixed(BodyField.VM_UUID).uuid();
        String vmName = text(BodyField.VM_NAME);
        long epoch = fixed(BodyField.EPOCH).i64();
        String sourceNode = text(BodyField.SOURCE_NODE);
        String destinationNode = text(BodyField.DESTINATION_NODE);
        int suiteId = fixed(BodyField.SUITE).u8();
        SuiteName suite = SuiteIds.suiteOf(suiteId);
        if (suite == null) {
            throw malformed("suite field holds " + SuiteIds.describe(suiteId));
        }
        byte[] identityPrivateKey = whole(BodyField.IDENTITY_PRIVATE_KEY);
        byte[] identityPublicKey = whole(BodyField.IDENTITY_PUBLIC_KEY);
        String policy = text(BodyField.POLICY);
        List<StateBundle.Entry> log = measurementLog(next(BodyField.MEASUREMENT_LOG));
        List<String> referenceValues = referenceValues(next(BodyField.REFERENCE_VALUES));
        if (formatVersion == StateBundle.PREVIOUS_FORMAT_VERSION) {
            next(BodyField.V1_TPM_STATE_DIGEST); // exactly 32 bytes, checked by next(); the value is not used
        }
        Instant createdAt = createdAt(fixed(BodyField.CREATED_AT));
        requireEnd();
        try {
            // A version-1 body carries nothing more than a version-2 one: it decodes to the current version.
            return new StateBundle(StateBundle.FORMAT_VERSION, migrationId, nonce, vtpcmId, vmUuid, vmName, epoch,
                    sourceNode, destinationNode, suite, identityPrivateKey, identityPublicKey, policy, log,
                    referenceValues, createdAt);
        } finally {
            Arrays.fill(identityPrivateKey, (byte) 0); // the record holds its own copy
        }
    }

    /**
     * Reads the next field header, which must be {@code expected}'s, and returns a reader over
     * exactly its value. Since every field is required and tags strictly increase, anything else
     * is an unknown, duplicate, out-of-order or missing field.
     */
    private ByteSource next(BodyField expected) {
        if (!in.hasRemaining()) {
            throw malformed("missing field " + expected.label() + ": the body ends");
        }
        int tag = in.u8();
        BodyField field = BodyField.byTag(tag);
        if (field == null) {
            throw malformed(String.format("unknown tag 0x%02x where field %s was expected", tag, expected.label()));
        }
        if (field == previous) {
            throw malformed("duplicate field " + field.label());
        }
        if (previous != null && field.tag < previous.tag) {
            throw malformed("field " + field.label() + " out of order (after " + previous.label() + ")");
        }
        if (field != expected) {
            throw malformed("missing field " + expected.label() + " (found " + field.label() + ")");
        }
        long length = in.u32();
        if (length < field.minLength || length > field.maxLength) {
            throw malformed("field " + field.label() + " has length " + length + ", allowed " + field.minLength
                    + ".." + field.maxLength);
        }
        ByteSource value = in.slice(length, "field " + field.label());
        previous = field;
        return value;
    }

    /** Nothing may follow the last field; name a repeated known field for a clearer message. */
    private void requireEnd() {
        if (!in.hasRemaining()) {
            return;
        }
        int remaining = in.remaining();
        BodyField field = BodyField.byTag(in.u8());
        if (field == previous) {
            throw malformed("duplicate field " + field.label());
        }
        if (field != null) {
            throw malformed("field " + field.label() + " out of order (after " + previous.label() + ")");
        }
        throw malformed(remaining + " trailing bytes after the last field");
    }

    /** Fixed-size fields: {@link #next} already enforced the exact length. */
    private ByteSource fixed(BodyField field) {
        return next(field);
    }

    private byte[] whole(BodyField field) {
        ByteSource value = next(field);
        return value.bytes(value.remaining(), field.label());
    }

    private String text(BodyField field) {
        ByteSource value = next(field);
        byte[] bytes = value.bytes(value.remaining(), field.label());
        try {
            return Utf8.decode(bytes, 0, bytes.length);
        } catch (CharacterCodingException e) {
            throw malformed("field " + field.label() + " is not valid UTF-8");
        }
    }

    private static List<StateBundle.Entry> measurementLog(ByteSource value) {
        int count = count(value, BodyField.MIN_ENTRY_BYTES, "measurement log");
        List<StateBundle.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seq = value.i64();
            entries.add(new StateBundle.Entry(seq,
                    value.utf8(Limits.ENTRY_AT_BYTES, "log entry at"),
                    value.utf8(Limits.ENTRY_EVENT_BYTES, "log entry event"),
                    value.utf8(Limits.ENTRY_TARGET_BYTES, "log entry target"),
                    value.utf8(Limits.ENTRY_DIGEST_BYTES, "log entry digest"),
                    value.utf8(Limits.ENTRY_VERDICT_BYTES, "log entry verdict"),
                    value.utf8(Limits.ENTRY_DETAIL_BYTES, "log entry detail"),
                    value.utf8(Limits.ENTRY_HASH_BYTES, "log entry previousHash"),
                    value.utf8(Limits.ENTRY_HASH_BYTES, "log entry entryHash"),
                    value.utf8(Limits.ENTRY_SIGNATURE_BYTES, "log entry signature")));
        }
        value.requireEnd();
        return entries;
    }

    private static List<String> referenceValues(ByteSource value) {
        int count = count(value, BodyField.MIN_REFERENCE_VALUE_BYTES, "reference values");
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(value.utf8(Limits.REFERENCE_VALUE_BYTES, "reference value"));
        }
        value.requireEnd();
        return values;
    }

    /**
     * A list's element count, checked against the hard maximum and against what the remaining
     * bytes can hold at the minimum element size, so the list is never pre-sized from a lie.
     */
    private static int count(ByteSource value, int minElementBytes, String what) {
        long count = value.u32();
        if (count > Checks.MAX_LIST) {
            throw value.reject(what + " declares " + count + " elements, more than " + Checks.MAX_LIST);
        }
        if (count * minElementBytes > value.remaining()) {
            throw value.reject(what + " declares " + count + " elements but only " + value.remaining()
                    + " bytes follow");
        }
        return (int) count;
    }

    private static Instant createdAt(ByteSource value) {
        long seconds = value.i64();
        int nanos = value.i32();
        // Instant.ofEpochSecond would normalise out-of-range nanos: two encodings, one value.
        if (nanos < 0 || nanos > 999_999_999) {
            throw value.reject("created at has nanoseconds " + nanos + ", outside 0..999999999");
        }
        if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
            throw value.reject("created at is outside the representable range");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private BundleRejectedException malformed(String detail) {
        return new BundleRejectedException(Reason.MALFORMED, detail);
    }
}
