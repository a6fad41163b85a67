package org.vtpcm.collector.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Format version 2 dropped version 1's TPM state digest field. A node of version 2 writes only
 * version 2 and still reads version 1 (a rolling upgrade); anything newer is refused.
 */
class PreviousFormatVersionTest {

    // ----------------------------------------------------------------- test-only writer of version 1

    /**
     * The version-1 body of {@code bundle}: the version-2 fields with the version field saying 1
     * and the 32-byte TPM state digest (tag 0x10) between the reference values and the creation
     * time. {@link #aVersion1NodesBundleIsStillRead} checks it against bytes the version-1 code wrote.
     */
    static byte[] v1Body(Fixture fixture, StateBundle bundle, byte[] tpmStateDigest) {
        List<RawBody.Field> fields = new ArrayList<>(RawBody.split(fixture.body(bundle)));
        fields.set(RawBody.indexOf(fields, BodyField.FORMAT_VERSION),
                new RawBody.Field(BodyField.FORMAT_VERSION.tag, new byte[] {0, 0, 0, 1}));
        fields.add(RawBody.indexOf(fields, BodyField.CREATED_AT), new RawBody.Field(0x10, tpmStateDigest));
        return RawBody.join(fields);
    }

    /** Signs and encrypts a body as the genuine source node, with {@code version} in the envelope. */
    static byte[] sealAs(Fixture fixture, byte[] body, int version) {
        byte[] signature = fixture.suite.sign(fixture.source.getPrivate(),
                SignedContent.toBeSigned(fixture.suite, body));
        byte[] content = SignedContent.encode(BundleCodec.keyId(fixture.suite, fixture.source.getPublic()), body,
                signature);
        byte[] aad = Envelope.associatedData(fixture.name, BundleCodec.keyId(fixture.suite,
                fixture.recipient.getPublic()));
        aad[Envelope.VERSION_OFFSET] = (byte) version;
        return Envelope.assemble(aad, fixture.suite.encryptTo(fixture.recipient.getPublic(), content, aad));
    }

    /** A body checked in as hex, written by the version-1 code (see the file's comment). */
    static byte[] checkedInV1Body(SuiteName name) throws IOException {
        String resource = "v1-body-" + name.name().toLowerCase(Locale.ROOT) + ".hex";
        try (InputStream in = PreviousFormatVersionTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(line -> !line.startsWith("#")).map(String::strip).collect(Collectors.joining());
            return Fixture.HEX.parseHex(hex);
        }
    }

    // ----------------------------------------------------------------- version 1 is still read

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void aVersion1NodesBundleIsStillRead(SuiteName name) throws IOException {
        Fixture fixture = new Fixture(name);
        byte[] v1 = checkedInV1Body(name);
        List<RawBody.Field> fields = RawBody.split(v1);
        assertEquals(17, fields.size());
        assertArrayEquals(new byte[] {0, 0, 0, 1}, fields.get(0).value());
        assertEquals(0x10, fields.get(15).tag());
        assertArrayEquals(new byte[32], fields.get(15).value());

        StateBundle opened = fixture.open(sealAs(fixture, v1, 1));
        // The same content as the version-2 bundle Fixture builds (the identity key is the file's own).
        StateBundle expected = fixture.builder(2).identityPrivateKey(opened.identityPrivateKey())
                .identityPublicKey(opened.identityPublicKey()).build();
        assertEquals(expected, opened);
        assertEquals(StateBundle.FORMAT_VERSION, opened.formatVersion());
        // The test-only writer reproduces the version-1 code's bytes exactly.
        assertArrayEquals(v1, v1Body(fixture, opened, new byte[32]));

        // Sent on, it is written as version 2 only.
        byte[] resealed = fixture.seal(opened);
        assertEquals(2, resealed[Envelope.VERSION_OFFSET]);
        List<RawBody.Field> v2 = RawBody.split(fixture.body(opened));
        assertEquals(16, v2.size());
        assertTrue(v2.stream().noneMatch(field -> field.tag() == 0x10));
        assertEquals(opened, fixture.open(resealed));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void version1BodiesOfAnyContentAreRead(SuiteName name) {
        Fixture fixture = new Fixture(name);
        Random random = new Random(7);
        for (int entries : new int[] {0, 1, 5, 300}) {
            StateBundle bundle = fixture.builder(entries).build();
            byte[] digest = new byte[32];
            random.nextBytes(digest); // whatever the digest held, it is skipped
            byte[] v1 = v1Body(fixture, bundle, digest);
            assertEquals(bundle, fixture.open(sealAs(fixture, v1, 1)));
            assertEquals(bundle, BodyReader.read(v1, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void version1DigestMustBe32Bytes(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (int length : new int[] {0, 1, 31, 33, 64}) {
            byte[] v1 = v1Body(fixture, fixture.bundle(), new byte[length]);
            BundleRejectedException e = BundleCodecTest.rejected(Reason.MALFORMED, fixture, sealAs(fixture, v1, 1));
            assertTrue(e.getMessage().contains("v1 tpm state digest has length " + length + ", allowed 32..32"),
                    e.getMessage());
            assertEquals(Reason.MALFORMED,
                    assertThrows(BundleRejectedException.class, () -> BodyReader.read(v1, 1)).reason());
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void version1DigestIsRequired(SuiteName name) {
        Fixture fixture = new Fixture(name);
        List<RawBody.Field> fields = new ArrayList<>(RawBody.split(v1Body(fixture, fixture.bundle(), new byte[32])));
        fields.remove(RawBody.indexOf(fields, BodyField.V1_TPM_STATE_DIGEST));
        BundleRejectedException e = BundleCodecTest.rejected(Reason.MALFORMED, fixture,
                sealAs(fixture, RawBody.join(fields), 1));
        assertTrue(e.getMessage().contains("missing field v1 tpm state digest"), e.getMessage());
    }

    // ----------------------------------------------------------------- version 2 and newer

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void version2BodiesMustNotCarryTheDigest(SuiteName name) {
        Fixture fixture = new Fixture(name);
        List<RawBody.Field> fields = new ArrayList<>(RawBody.split(fixture.body(fixture.bundle())));
        fields.add(RawBody.indexOf(fields, BodyField.CREATED_AT), new RawBody.Field(0x10, new byte[32]));
        BundleRejectedException e = BundleCodecTest.rejected(Reason.MALFORMED, fixture,
                fixture.sealBody(RawBody.join(fields)));
        assertTrue(e.getMessage().contains("v1 tpm state digest"), e.getMessage());
        // At the end instead.
        fields.add(fields.remove(RawBody.indexOf(fields, BodyField.V1_TPM_STATE_DIGEST)));
        BundleCodecTest.rejected(Reason.MALFORMED, fixture, fixture.sealBody(RawBody.join(fields)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void bodyAndEnvelopeVersionsMustAgree(SuiteName name) {
        Fixture fixture = new Fixture(name);
        StateBundle bundle = fixture.bundle();
        byte[] v1 = v1Body(fixture, bundle, new byte[32]);
        byte[] v2 = fixture.body(bundle);
        BundleRejectedException e = BundleCodecTest.rejected(Reason.MALFORMED, fixture, sealAs(fixture, v1, 2));
        assertTrue(e.getMessage().contains("the body says format version 1, the envelope 2"), e.getMessage());
        e = BundleCodecTest.rejected(Reason.MALFORMED, fixture, sealAs(fixture, v2, 1));
        assertTrue(e.getMessage().contains("the body says format version 2, the envelope 1"), e.getMessage());
        // Both agreeing: fine either way.
        assertEquals(bundle, fixture.open(sealAs(fixture, v1, 1)));
        assertEquals(bundle, fixture.open(sealAs(fixture, v2, 2)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void newerVersionsAreRefused(SuiteName name) {
        Fixture fixture = new Fixture(name);
        List<RawBody.Field> fields = new ArrayList<>(RawBody.split(fixture.body(fixture.bundle())));
        fields.set(0, new RawBody.Field(BodyField.FORMAT_VERSION.tag, new byte[] {0, 0, 0, 3}));
        byte[] v3 = RawBody.join(fields);
        // Authentically sealed by a (hypothetical) version-3 node: refused before decryption.
        BundleRejectedException e = BundleCodecTest.rejected(Reason.UNSUPPORTED_VERSION, fixture,
                sealAs(fixture, v3, 3));
        assertTrue(e.getMessage().contains("format version 3 is not supported (supported: 1, 2)"), e.getMessage());
        // Should a body claim it behind an accepted envelope version, the parser refuses it too.
        assertTrue(assertThrows(BundleRejectedException.class, () -> BodyReader.read(v3, 3)).getMessage()
                .contains("format version 3 is not supported"));
    }

    // ----------------------------------------------------------------- the signature covers the version-2 body

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void theSignatureCoversTheVersion2Body(SuiteName name) {
        Fixture fixture = new Fixture(name);
        StateBundle bundle = fixture.bundle();
        byte[] inner = fixture.inner(fixture.seal(bundle));
        byte[] signerId = Arrays.copyOf(inner, 32);
        int bodyLength = (int) RawBody.u32(inner, 32);
        byte[] body = Arrays.copyOfRange(inner, 36, 36 + bodyLength);
        byte[] signature = Arrays.copyOfRange(inner, 38 + bodyLength, inner.length);
        // What is signed is the version-2 body, exactly.
        assertArrayEquals(fixture.body(bundle), body);
        assertEquals(2, RawBody.u32(RawBody.split(body).get(0).value(), 0));
        assertTrue(fixture.suite.verify(fixture.source.getPublic(), SignedContent.toBeSigned(fixture.suite, body),
                signature));

        // That signature does not carry over to the version-1 body of the same bundle ...
        byte[] v1 = v1Body(fixture, bundle, new byte[32]);
        byte[] aad = Envelope.associatedData(fixture.name, BundleCodec.keyId(fixture.suite,
                fixture.recipient.getPublic()));
        aad[Envelope.VERSION_OFFSET] = 1;
        byte[] swapped = Envelope.assemble(aad, fixture.suite.encryptTo(fixture.recipient.getPublic(),
                SignedContent.encode(signerId, v1, signature), aad));
        BundleCodecTest.rejected(Reason.BAD_SIGNATURE, fixture, swapped);
        // ... nor to the version-2 body with its version field, or any other byte, changed.
        for (int at : new int[] {5 + 3, body.length / 2, body.length - 1}) {
            byte[] altered = body.clone();
            altered[at] ^= 1;
            assertFalse(Arrays.equals(body, altered));
            BundleCodecTest.rejected(Reason.BAD_SIGNATURE, fixture,
                    fixture.codec.sealInner(SignedContent.encode(signerId, altered, signature),
                            fixture.recipient.getPublic()));
        }
    }
}
