package org.vtpcm.collector.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Authentic (correctly signed and encrypted) bodies that break the body format: each must be
 * {@link Reason#MALFORMED} with a message saying what is wrong.
 */
class MalformedBodyTest {

    /** Seals a doctored body through the package-private hook and expects MALFORMED mentioning {@code words}. */
    private static void assertMalformed(Fixture fixture, byte[] body, String... words) {
        BundleRejectedException e = BundleCodecTest.rejected(Reason.MALFORMED, fixture,
                fixture.sealBody(body));
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), "'" + word + "' not in: " + e.getMessage());
        }
        // The parser alone gives the same verdict.
        BundleRejectedException direct = assertThrows(BundleRejectedException.class,
                () -> BodyReader.read(body, StateBundle.FORMAT_VERSION));
        assertEquals(Reason.MALFORMED, direct.reason());
    }

    private static byte[] edit(Fixture fixture, UnaryOperator<List<RawBody.Field>> change) {
        List<RawBody.Field> fields = new ArrayList<>(RawBody.split(fixture.body(fixture.bundle())));
        return RawBody.join(change.apply(fields));
    }

    private static UnaryOperator<List<RawBody.Field>> replace(BodyField field, byte[] value) {
        return fields -> {
            int i = RawBody.indexOf(fields, field);
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        };
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void unknownTag(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (int tag : new int[] {0x00, 0x12, 0x20, 0xff}) {
            assertMalformed(fixture, edit(fixture, fields -> {
                fields.add(5, new RawBody.Field(tag, new byte[] {1, 2, 3}));
                return fields;
            }), "unknown tag");
        }
        // An unknown field after the last known one.
        assertMalformed(fixture, edit(fixture, fields -> {
            fields.add(new RawBody.Field(0x12, new byte[0]));
            return fields;
        }), "trailing");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void duplicatedTag(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (int index : new int[] {0, 5, 13, 15}) {
            assertMalformed(fixture, edit(fixture, fields -> {
                fields.add(index + 1, fields.get(index));
                return fields;
            }), "duplicate field");
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void reorderedTags(SuiteName name) {
        Fixture fixture = new Fixture(name);
        assertMalformed(fixture, edit(fixture, fields -> {
            Collections.swap(fields, 5, 6);
            return fields;
        }), "missing field vm name");
        assertMalformed(fixture, edit(fixture, fields -> {
            Collections.swap(fields, 7, 9);
            fields.remove(7); // now: ..., 7, 10, 9, ...
            return fields;
        }), "missing field");
        // Going backwards after the expected field.
        assertMalformed(fixture, edit(fixture, fields -> {
            fields.add(10, fields.get(2));
            return fields;
        }), "out of order");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void trailingBytes(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] body = fixture.body(fixture.bundle());
        assertMalformed(fixture, Arrays.copyOf(body, body.length + 1), "1 trailing bytes");
        assertMalformed(fixture, Arrays.copyOf(body, body.length + 100), "100 trailing bytes");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void missingFields(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (BodyField field : BodyField.values()) {
            if (field == BodyField.V1_TPM_STATE_DIGEST) {
                continue; // not in a version-2 body (PreviousFormatVersionTest)
            }
            assertMalformed(fixture, edit(fixture, fields -> {
                fields.remove(RawBody.indexOf(fields, field));
                return fields;
            }), "missing field " + field.label());
        }
        assertMalformed(fixture, new byte[0], "missing field format version");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void truncatedBodies(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] body = fixture.body(fixture.bundle());
        for (int length : new int[] {1, 3, 5, 8, 9, 50, body.length / 2, body.length - 13, body.length - 1}) {
            assertMalformed(fixture, Arrays.copyOf(body, length));
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void lengthsBeyondTheInputOrTheLimit(SuiteName name) {
        Fixture fixture = new Fixture(name);
        // A field claiming more bytes than follow, up to 4 GiB.
        for (long length : new long[] {200, 100_000, 0x7fff_ffffL, 0xffff_ffffL}) {
            assertMalformed(fixture, edit(fixture, fields -> {
                int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
                RawBody.Field f = fields.get(i);
                fields.set(i, new RawBody.Field(f.tag(), f.value(), length));
                return fields;
            }), "measurement log");
        }
        // Over a field's own limit even though the bytes are there.
        assertMalformed(fixture, edit(fixture, replace(BodyField.VM_NAME, "a".repeat(129).getBytes())),
                "vm name", "1..128");
        assertMalformed(fixture, edit(fixture, replace(BodyField.POLICY, "a".repeat(17).getBytes())), "policy");
        assertMalformed(fixture, edit(fixture, replace(BodyField.IDENTITY_PRIVATE_KEY, new byte[2049])),
                "identity private key");
        // Fixed-size fields with any other size.
        assertMalformed(fixture, edit(fixture, replace(BodyField.NONCE, new byte[31])), "nonce", "32..32");
        assertMalformed(fixture, edit(fixture, replace(BodyField.NONCE, new byte[33])), "nonce");
        assertMalformed(fixture, edit(fixture, replace(BodyField.EPOCH, new byte[4])), "epoch");
        assertMalformed(fixture, edit(fixture, replace(BodyField.FORMAT_VERSION, new byte[] {1})), "format version");
        assertMalformed(fixture, edit(fixture, replace(BodyField.CREATED_AT, new byte[13])), "created at");
        assertMalformed(fixture, edit(fixture, replace(BodyField.SUITE, new byte[0])), "suite");
        // Empty variable fields.
        assertMalformed(fixture, edit(fixture, replace(BodyField.VM_NAME, new byte[0])), "vm name");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void listCountsThatLie(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (long count : new long[] {6, 1000, 100_000, 100_001, 0xffff_ffffL}) {
            assertMalformed(fixture, edit(fixture, fields -> {
                int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
                byte[] value = fields.get(i).value().clone();
                RawBody.putU32(value, 0, count);
                fields.set(i, fields.get(i).withValue(value));
                return fields;
            }), "measurement log");
        }
        // Fewer entries than the bytes hold: trailing bytes inside the field.
        assertMalformed(fixture, edit(fixture, fields -> {
            int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
            byte[] value = fields.get(i).value().clone();
            RawBody.putU32(value, 0, 4);
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        }), "trailing");
        for (long count : new long[] {3, 0xffff_ffffL}) {
            assertMalformed(fixture, edit(fixture, fields -> {
                int i = RawBody.indexOf(fields, BodyField.REFERENCE_VALUES);
                byte[] value = fields.get(i).value().clone();
                RawBody.putU32(value, 0, count);
                fields.set(i, fields.get(i).withValue(value));
                return fields;
            }), "reference value");
        }
        // An entry string whose length runs past the field, and one over its own limit.
        assertMalformed(fixture, edit(fixture, fields -> {
            int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
            byte[] value = fields.get(i).value().clone();
            RawBody.putU32(value, 4 + 8, 0xffff_fff0L); // first entry's "at"
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        }), "log entry at");
        assertMalformed(fixture, edit(fixture, fields -> {
            int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
            byte[] value = fields.get(i).value().clone();
            RawBody.putU32(value, 4 + 8, 65);
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        }), "log entry at", "limit 64");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void invalidValues(SuiteName name) {
        Fixture fixture = new Fixture(name);
        // Versions other than the envelope's (2 here): the previous one, a newer one, nonsense.
        for (byte[] version : new byte[][] {{0, 0, 0, 1}, {0, 0, 0, 3}, {0, 0, 0, 0}, {-1, -1, -1, -1}}) {
            assertMalformed(fixture, edit(fixture, replace(BodyField.FORMAT_VERSION, version)), "format version",
                    "the envelope 2");
        }
        assertMalformed(fixture, edit(fixture, replace(BodyField.EPOCH, new byte[8])), "epoch");
        assertMalformed(fixture, edit(fixture, replace(BodyField.EPOCH, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1})),
                "epoch");
        assertMalformed(fixture, edit(fixture, replace(BodyField.VM_NAME, "bad name".getBytes())), "vmName");
        assertMalformed(fixture, edit(fixture, replace(BodyField.DESTINATION_NODE, "-x".getBytes())),
                "destinationNode");
        assertMalformed(fixture, edit(fixture, replace(BodyField.POLICY, "allow".getBytes())), "policy");
        assertMalformed(fixture, edit(fixture, replace(BodyField.SUITE, new byte[] {3})), "unknown suite id 0x03");
        assertMalformed(fixture, edit(fixture, replace(BodyField.SUITE, new byte[] {0})), "suite");
        // Invalid UTF-8: a lone continuation byte, an overlong '/', an encoded surrogate.
        for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0,
                (byte) 0x80}, {'a', (byte) 0xff}}) {
            assertMalformed(fixture, edit(fixture, replace(BodyField.POLICY, bad)), "UTF-8");
        }
        // Invalid UTF-8 inside a log entry string.
        assertMalformed(fixture, edit(fixture, fields -> {
            int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
            byte[] value = fields.get(i).value().clone();
            value[4 + 8 + 4] = (byte) 0xc1; // first byte of the first entry's "at"
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        }), "UTF-8");
        // Negative log seq.
        assertMalformed(fixture, edit(fixture, fields -> {
            int i = RawBody.indexOf(fields, BodyField.MEASUREMENT_LOG);
            byte[] value = fields.get(i).value().clone();
            value[4] = (byte) 0x80;
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        }), "seq");
        // Upper-case reference value.
        assertMalformed(fixture, edit(fixture, fields -> {
            int i = RawBody.indexOf(fields, BodyField.REFERENCE_VALUES);
            byte[] value = fields.get(i).value().clone();
            value[8] = 'A';
            fields.set(i, fields.get(i).withValue(value));
            return fields;
        }), "referenceValues[0]");
        // Created-at nanoseconds out of range (would otherwise be a second encoding of another instant).
        byte[] createdAt = new byte[12];
        RawBody.putU32(createdAt, 8, 1_000_000_000L);
        assertMalformed(fixture, edit(fixture, replace(BodyField.CREATED_AT, createdAt)), "nanoseconds");
        RawBody.putU32(createdAt, 8, 0xffff_ffffL);
        assertMalformed(fixture, edit(fixture, replace(BodyField.CREATED_AT, createdAt)), "nanoseconds");
        byte[] farFuture = new byte[12];
        farFuture[0] = 0x7f;
        assertMalformed(fixture, edit(fixture, replace(BodyField.CREATED_AT, farFuture)), "range");
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void unusableIdentityKeys(SuiteName name) {
        Fixture fixture = new Fixture(name);
        Fixture other = new Fixture(Fixture.other(name));
        KeyPair stranger = fixture.suite.generateSigningKeyPair();
        // The keys of two different pairs.
        BundleRejectedException e = BundleCodecTest.rejected(Reason.MALFORMED, fixture, fixture.sealBody(edit(fixture,
                replace(BodyField.IDENTITY_PUBLIC_KEY, fixture.suite.encodePublicKey(stranger.getPublic())))));
        assertTrue(e.getMessage().contains("not a key pair"), e.getMessage());
        // Garbage keys.
        BundleCodecTest.rejected(Reason.MALFORMED, fixture, fixture.sealBody(edit(fixture,
                replace(BodyField.IDENTITY_PRIVATE_KEY, new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))));
        BundleCodecTest.rejected(Reason.MALFORMED, fixture, fixture.sealBody(edit(fixture,
                replace(BodyField.IDENTITY_PUBLIC_KEY, new byte[] {0x30}))));
        // Keys of the other suite's curve, with the suite field still saying ours.
        BundleCodecTest.rejected(Reason.MALFORMED, fixture, fixture.sealBody(edit(fixture, fields -> {
            replace(BodyField.IDENTITY_PRIVATE_KEY, other.suite.encodePrivateKey(other.identity.getPrivate()))
                    .apply(fields);
            return replace(BodyField.IDENTITY_PUBLIC_KEY, other.suite.encodePublicKey(other.identity.getPublic()))
                    .apply(fields);
        })));
        // A body that says it is of the other suite.
        int otherId = name == SuiteName.SM ? 2 : 1;
        BundleRejectedException suite = BundleCodecTest.rejected(Reason.MALFORMED, fixture,
                fixture.sealBody(edit(fixture, replace(BodyField.SUITE, new byte[] {(byte) otherId}))));
        assertTrue(suite.getMessage().contains("suite"), suite.getMessage());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void theUndoctoredBodyIsAccepted(SuiteName name) {
        // Guards the helpers above: split/join of an untouched body round-trips and opens.
        Fixture fixture = new Fixture(name);
        byte[] body = fixture.body(fixture.bundle());
        byte[] rejoined = edit(fixture, fields -> fields);
        assertArrayEquals(body, rejoined);
        assertEquals(fixture.bundle(), fixture.open(fixture.sealBody(rejoined)));
    }
}
