package org.vtpcm.collector.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/** Sealing and opening, and one crafted input per rejection reason (envelope and crypto level). */
class BundleCodecTest {

    /** Opens and expects a rejection with {@code reason}; also checks that no secret leaks into the message. */
    static BundleRejectedException rejected(Reason reason, Fixture fixture, byte[] sealed) {
        return rejected(reason, fixture, () -> fixture.open(sealed));
    }

    static BundleRejectedException rejected(Reason reason, Fixture fixture, Runnable open) {
        BundleRejectedException e = assertThrows(BundleRejectedException.class, open::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(reason.name()), e.getMessage());
        String message = e.getMessage().toLowerCase();
        byte[] key = fixture.suite.encodePrivateKey(fixture.identity.getPrivate());
        assertFalse(message.contains(Fixture.HEX.formatHex(key, key.length - 8, key.length)), message);
        assertFalse(message.contains(Fixture.HEX.formatHex(fixture.nonce, 0, 8)), message);
        return e;
    }

    // ----------------------------------------------------------------- round trip and layout

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTrip(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (int entries : new int[] {0, 1, 5, 300}) {
            StateBundle bundle = fixture.builder(entries).build();
            StateBundle opened = fixture.open(fixture.seal(bundle));
            assertEquals(bundle, opened);
            assertArrayEquals(bundle.identityPrivateKey(), opened.identityPrivateKey());
            assertEquals(bundle.measurementLog(), opened.measurementLog());
            assertEquals(bundle.createdAt(), opened.createdAt());
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void roundTripOfEdgeValues(SuiteName name) {
        Fixture fixture = new Fixture(name);
        StateBundle bundle = fixture.builder(0)
                .epoch(Long.MAX_VALUE)
                .vmName("x".repeat(128))
                .policy("audit")
                .referenceValues(List.of())
                .createdAt(java.time.Instant.MIN)
                .measurementLog(List.of(new StateBundle.Entry(Long.MAX_VALUE, "", "", "", "", "", "", "", "", ""),
                        new StateBundle.Entry(0, "a", "b", "c", "d", "e", "ʃ€𝄞", "f", "g", "h")))
                .build();
        Expectation expectation = new Expectation(Fixture.MIGRATION_ID, fixture.nonce, Fixture.VTPCM_ID,
                Long.MAX_VALUE, Fixture.DESTINATION);
        assertEquals(bundle, fixture.open(fixture.seal(bundle), expectation));
        StateBundle late = fixture.builder(0).createdAt(java.time.Instant.MAX).build();
        assertEquals(late, fixture.open(fixture.seal(late)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void everySealIsFreshlyEncrypted(SuiteName name) {
        Fixture fixture = new Fixture(name);
        StateBundle bundle = fixture.bundle();
        byte[] first = fixture.seal(bundle);
        byte[] second = fixture.seal(bundle);
        assertFalse(Arrays.equals(first, second));
        assertEquals(bundle, fixture.open(first));
        assertEquals(bundle, fixture.open(second));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void layoutIsAsDocumented(SuiteName name) {
        Fixture fixture = new Fixture(name);
        StateBundle bundle = fixture.bundle();
        byte[] sealed = fixture.seal(bundle);
        assertArrayEquals("VTPCMB".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(sealed, 6));
        assertEquals(2, sealed[6]);
        assertEquals(name == SuiteName.SM ? 1 : 2, sealed[7]);
        assertEquals(0, sealed[8]);
        assertArrayEquals(BundleCodec.keyId(fixture.suite, fixture.recipient.getPublic()),
                Arrays.copyOfRange(sealed, 9, 41));
        assertEquals(sealed.length - 45, RawBody.u32(sealed, 41));

        byte[] inner = fixture.suite.decryptWith(fixture.recipient.getPrivate(),
                Arrays.copyOfRange(sealed, 45, sealed.length), Arrays.copyOf(sealed, 41));
        assertArrayEquals(BundleCodec.keyId(fixture.suite, fixture.source.getPublic()), Arrays.copyOf(inner, 32));
        int bodyLength = (int) RawBody.u32(inner, 32);
        byte[] body = Arrays.copyOfRange(inner, 36, 36 + bodyLength);
        assertArrayEquals(fixture.body(bundle), body);
        int signatureLength = ((inner[36 + bodyLength] & 0xff) << 8) | (inner[37 + bodyLength] & 0xff);
        assertEquals(inner.length, 38 + bodyLength + signatureLength);
        byte[] signature = Arrays.copyOfRange(inner, 38 + bodyLength, inner.length);
        byte[] signed = concat("vtpcm-bundle-v1".getBytes(StandardCharsets.US_ASCII), fixture.suite.digest(body));
        assertTrue(fixture.suite.verify(fixture.source.getPublic(), signed, signature));

        // Body: tags 1..15 and 17 in order (0x10 was version 1's), each tag | u32 length | value.
        List<RawBody.Field> fields = RawBody.split(body);
        assertEquals(16, fields.size());
        for (int i = 0; i < fields.size(); i++) {
            assertEquals(i < 15 ? i + 1 : 0x11, fields.get(i).tag());
        }
        assertArrayEquals(new byte[] {0, 0, 0, 2}, fields.get(0).value());
        assertArrayEquals(fixture.nonce, fields.get(2).value());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 8}, fields.get(6).value());
        assertArrayEquals("node-2.lab".getBytes(StandardCharsets.UTF_8), fields.get(8).value());
        assertArrayEquals(new byte[] {(byte) (name == SuiteName.SM ? 1 : 2)}, fields.get(9).value());
        assertArrayEquals("deny".getBytes(StandardCharsets.UTF_8), fields.get(12).value());
        assertEquals(5, RawBody.u32(fields.get(13).value(), 0));
        assertEquals(2, RawBody.u32(fields.get(14).value(), 0));
        assertEquals(12, fields.get(15).value().length);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void bodyEncodingIsCanonical(SuiteName name) {
        Fixture fixture = new Fixture(name);
        for (int entries : new int[] {0, 3, 40}) {
            byte[] body = fixture.body(fixture.builder(entries).build());
            assertArrayEquals(body, fixture.body(BodyReader.read(body, StateBundle.FORMAT_VERSION)));
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void keyIdIsTheDigestOfTheEncodedPublicKey(SuiteName name) {
        CryptoSuite suite = CryptoSuites.of(name);
        KeyPair pair = suite.generateSigningKeyPair();
        byte[] id = BundleCodec.keyId(suite, pair.getPublic());
        assertEquals(32, id.length);
        assertArrayEquals(suite.digest(suite.encodePublicKey(pair.getPublic())), id);
        assertFalse(Arrays.equals(id, BundleCodec.keyId(suite, suite.generateSigningKeyPair().getPublic())));
    }

    // ----------------------------------------------------------------- construction and sealing errors

    @Test
    void limitMustBeSane() {
        CryptoSuite suite = CryptoSuites.of(SuiteName.SM);
        assertEquals(16 * 1024 * 1024, new BundleCodec(suite).maxBundleBytes());
        assertEquals(1024, new BundleCodec(suite, 1024).maxBundleBytes());
        assertThrows(IllegalArgumentException.class, () -> new BundleCodec(suite, 1023));
        assertThrows(IllegalArgumentException.class, () -> new BundleCodec(suite, 16 * 1024 * 1024 + 1));
        assertThrows(NullPointerException.class, () -> new BundleCodec(null));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void sealRefusesInconsistentInput(SuiteName name) {
        Fixture fixture = new Fixture(name);
        Fixture other = new Fixture(Fixture.other(name));
        StateBundle bundle = fixture.bundle();
        // Bundle of the other suite.
        assertThrows(IllegalArgumentException.class, () -> fixture.seal(other.bundle()));
        // Source private and public keys that are not a pair.
        KeyPair stranger = fixture.suite.generateSigningKeyPair();
        assertThrows(IllegalArgumentException.class, () -> fixture.codec.seal(bundle, fixture.source.getPrivate(),
                stranger.getPublic(), fixture.recipient.getPublic()));
        // Identity keys that are not a pair, or not keys at all.
        byte[] strangerPublic = fixture.suite.encodePublicKey(stranger.getPublic());
        assertThrows(IllegalArgumentException.class,
                () -> fixture.seal(fixture.builder(1).identityPublicKey(strangerPublic).build()));
        assertThrows(IllegalArgumentException.class,
                () -> fixture.seal(fixture.builder(1).identityPrivateKey(new byte[] {1, 2, 3}).build()));
        // Recipient key on the other suite's curve.
        assertThrows(IllegalArgumentException.class, () -> fixture.codec.seal(bundle, fixture.source.getPrivate(),
                fixture.source.getPublic(), other.recipient.getPublic()));
        // Source private key on the other suite's curve.
        assertThrows(IllegalArgumentException.class, () -> fixture.codec.seal(bundle, other.source.getPrivate(),
                fixture.source.getPublic(), fixture.recipient.getPublic()));
        assertThrows(NullPointerException.class, () -> fixture.codec.seal(null, fixture.source.getPrivate(),
                fixture.source.getPublic(), fixture.recipient.getPublic()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void sealRefusesBundlesOverTheLimit(SuiteName name) {
        Fixture fixture = new Fixture(name);
        BundleCodec small = new BundleCodec(fixture.suite, 4096);
        StateBundle big = fixture.builder(40).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.seal(big,
                fixture.source.getPrivate(), fixture.source.getPublic(), fixture.recipient.getPublic()));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        // A small bundle fits.
        StateBundle tiny = fixture.builder(0).build();
        byte[] sealed = small.seal(tiny, fixture.source.getPrivate(), fixture.source.getPublic(),
                fixture.recipient.getPublic());
        assertEquals(tiny, small.open(sealed, fixture.recipient.getPrivate(), fixture.recipient.getPublic(),
                fixture.source.getPublic(), fixture.expectation()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void openRefusesCallerBugsBeforeLookingAtTheInput(SuiteName name) {
        Fixture fixture = new Fixture(name);
        Fixture other = new Fixture(Fixture.other(name));
        byte[] sealed = fixture.seal(fixture.bundle());
        assertThrows(NullPointerException.class, () -> fixture.codec.open(null, fixture.recipient.getPrivate(),
                fixture.recipient.getPublic(), fixture.source.getPublic(), fixture.expectation()));
        assertThrows(NullPointerException.class, () -> fixture.codec.open(sealed, fixture.recipient.getPrivate(),
                fixture.recipient.getPublic(), fixture.source.getPublic(), null));
        assertThrows(IllegalArgumentException.class, () -> fixture.codec.open(sealed,
                fixture.recipient.getPrivate(), other.recipient.getPublic(), fixture.source.getPublic(),
                fixture.expectation()));
        assertThrows(IllegalArgumentException.class, () -> fixture.codec.open(sealed,
                fixture.recipient.getPrivate(), fixture.recipient.getPublic(), other.source.getPublic(),
                fixture.expectation()));
    }

    // ----------------------------------------------------------------- envelope-level rejections

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void truncatedAnywhere(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        for (int length : new int[] {0, 1, 5, 6, 9, 40, 41, 44, 45, 46, 100, sealed.length / 2, sealed.length - 17,
                sealed.length - 1}) {
            BundleRejectedException e = rejected(Reason.TRUNCATED, fixture, Arrays.copyOf(sealed, length));
            assertNotNull(e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void oversized(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        // 17 MiB: a valid header followed by junk.
        byte[] huge = Arrays.copyOf(sealed, 17 * 1024 * 1024);
        RawBody.putU32(huge, 41, huge.length - 45);
        rejected(Reason.OVERSIZED, fixture, huge);
        // A declared ciphertext length beyond the limit.
        for (long length : new long[] {0xffff_ffffL, 0x8000_0000L, 16L * 1024 * 1024}) {
            byte[] lying = sealed.clone();
            RawBody.putU32(lying, 41, length);
            rejected(Reason.OVERSIZED, fixture, lying);
        }
        // A codec configured lower refuses what a default one accepts.
        BundleCodec small = new BundleCodec(fixture.suite, 2048);
        byte[] big = fixture.seal(fixture.builder(20).build());
        assertTrue(big.length > 2048);
        rejected(Reason.OVERSIZED, fixture, () -> small.open(big, fixture.recipient.getPrivate(),
                fixture.recipient.getPublic(), fixture.source.getPublic(), fixture.expectation()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void badMagic(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        for (int i = 0; i < 6; i++) {
            byte[] copy = sealed.clone();
            copy[i] ^= 0x20;
            rejected(Reason.BAD_MAGIC, fixture, copy);
        }
        rejected(Reason.BAD_MAGIC, fixture, new byte[1000]);
        rejected(Reason.BAD_MAGIC, fixture, "{\"json\": \"is not a bundle, even when it is long enough to hold a header\"}".getBytes());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void unsupportedVersionOrFlags(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        for (int version : new int[] {0, 3, 0xff}) {
            byte[] copy = sealed.clone();
            copy[6] = (byte) version;
            BundleRejectedException e = rejected(Reason.UNSUPPORTED_VERSION, fixture, copy);
            assertTrue(e.getMessage().contains("format version " + version + " is not supported (supported: 1, 2)"),
                    e.getMessage());
        }
        for (int flags : new int[] {1, 0x80}) {
            byte[] copy = sealed.clone();
            copy[8] = (byte) flags;
            rejected(Reason.UNSUPPORTED_VERSION, fixture, copy);
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongSuite(SuiteName name) {
        Fixture fixture = new Fixture(name);
        Fixture other = new Fixture(Fixture.other(name));
        // Sealed by the other suite's codec, opened by this one.
        byte[] foreign = other.seal(other.bundle());
        rejected(Reason.WRONG_SUITE, fixture, foreign);
        // The suite byte swapped, and an unknown suite id.
        for (int id : new int[] {name == SuiteName.SM ? 2 : 1, 0, 3, 0xff}) {
            byte[] copy = fixture.seal(fixture.bundle());
            copy[7] = (byte) id;
            rejected(Reason.WRONG_SUITE, fixture, copy);
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongRecipient(SuiteName name) {
        Fixture fixture = new Fixture(name);
        KeyPair otherRecipient = fixture.suite.generateSigningKeyPair();
        byte[] sealed = fixture.codec.seal(fixture.bundle(), fixture.source.getPrivate(), fixture.source.getPublic(),
                otherRecipient.getPublic());
        rejected(Reason.WRONG_RECIPIENT, fixture, sealed);
        // A recipient key id doctored to look like ours does not get it decrypted either.
        byte[] doctored = sealed.clone();
        System.arraycopy(BundleCodec.keyId(fixture.suite, fixture.recipient.getPublic()), 0, doctored, 9, 32);
        rejected(Reason.UNDECRYPTABLE, fixture, doctored);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void undecryptable(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        for (int at : new int[] {45, 46, 47, 60, 140, sealed.length / 2, sealed.length - 16, sealed.length - 1}) {
            byte[] copy = sealed.clone();
            copy[at] ^= 0x01;
            rejected(Reason.UNDECRYPTABLE, fixture, copy);
        }
        // Right public key id, wrong private key.
        KeyPair stranger = fixture.suite.generateSigningKeyPair();
        rejected(Reason.UNDECRYPTABLE, fixture, () -> fixture.codec.open(sealed, stranger.getPrivate(),
                fixture.recipient.getPublic(), fixture.source.getPublic(), fixture.expectation()));
        // Ciphertext too short to hold even the hybrid header.
        byte[] stub = Arrays.copyOf(sealed, 47);
        RawBody.putU32(stub, 41, 2);
        rejected(Reason.UNDECRYPTABLE, fixture, stub);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void trailingBytesAfterTheCiphertext(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        BundleRejectedException e = rejected(Reason.MALFORMED, fixture, Arrays.copyOf(sealed, sealed.length + 1));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    // ----------------------------------------------------------------- signature-level rejections

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void unknownSigner(SuiteName name) {
        Fixture fixture = new Fixture(name);
        KeyPair otherSource = fixture.suite.generateSigningKeyPair();
        byte[] sealed = fixture.codec.seal(fixture.bundle(), otherSource.getPrivate(), otherSource.getPublic(),
                fixture.recipient.getPublic());
        rejected(Reason.UNKNOWN_SIGNER, fixture, sealed);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void badSignature(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] body = fixture.body(fixture.bundle());
        byte[] signerId = BundleCodec.keyId(fixture.suite, fixture.source.getPublic());
        byte[] toBeSigned = SignedContent.toBeSigned(fixture.suite, body);
        // Claims to come from the source but signed by someone else.
        KeyPair forger = fixture.suite.generateSigningKeyPair();
        byte[] forged = SignedContent.encode(signerId, body, fixture.suite.sign(forger.getPrivate(), toBeSigned));
        rejected(Reason.BAD_SIGNATURE, fixture, fixture.codec.sealInner(forged, fixture.recipient.getPublic()));
        // A genuine signature over other content.
        byte[] elsewhere = fixture.suite.sign(fixture.source.getPrivate(), "something else".getBytes());
        rejected(Reason.BAD_SIGNATURE, fixture,
                fixture.codec.sealInner(SignedContent.encode(signerId, body, elsewhere), fixture.recipient.getPublic()));
        // A genuine signature without the domain label.
        byte[] undomained = fixture.suite.sign(fixture.source.getPrivate(), fixture.suite.digest(body));
        rejected(Reason.BAD_SIGNATURE, fixture,
                fixture.codec.sealInner(SignedContent.encode(signerId, body, undomained), fixture.recipient.getPublic()));
        // Empty and garbage signatures.
        rejected(Reason.BAD_SIGNATURE, fixture,
                fixture.codec.sealInner(SignedContent.encode(signerId, body, new byte[0]), fixture.recipient.getPublic()));
        rejected(Reason.BAD_SIGNATURE, fixture,
                fixture.codec.sealInner(SignedContent.encode(signerId, body, new byte[70]), fixture.recipient.getPublic()));
        // A body altered after signing.
        byte[] signature = fixture.suite.sign(fixture.source.getPrivate(), toBeSigned);
        byte[] altered = body.clone();
        altered[altered.length - 1] ^= 1;
        rejected(Reason.BAD_SIGNATURE, fixture,
                fixture.codec.sealInner(SignedContent.encode(signerId, altered, signature), fixture.recipient.getPublic()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void malformedSignedContentFraming(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] inner = fixture.inner(fixture.seal(fixture.bundle()));
        byte[] signerId = Arrays.copyOf(inner, 32);
        int bodyLength = (int) RawBody.u32(inner, 32);
        // Too short for a signer id.
        rejected(Reason.MALFORMED, fixture, fixture.codec.sealInner(new byte[31], fixture.recipient.getPublic()));
        rejected(Reason.MALFORMED, fixture, fixture.codec.sealInner(new byte[0], fixture.recipient.getPublic()));
        // Signer id and nothing else.
        rejected(Reason.MALFORMED, fixture, fixture.codec.sealInner(signerId, fixture.recipient.getPublic()));
        // Body length beyond the plaintext, including a huge one.
        for (long length : new long[] {bodyLength + 1000L, 0xffff_fff0L, 0x7fff_ffffL}) {
            byte[] copy = inner.clone();
            RawBody.putU32(copy, 32, length);
            rejected(Reason.MALFORMED, fixture, fixture.codec.sealInner(copy, fixture.recipient.getPublic()));
        }
        // Trailing byte after the signature.
        rejected(Reason.MALFORMED, fixture,
                fixture.codec.sealInner(Arrays.copyOf(inner, inner.length + 1), fixture.recipient.getPublic()));
        // Signature length over its limit.
        byte[] body = Arrays.copyOfRange(inner, 36, 36 + bodyLength);
        byte[] longSignature = concat(concat(concat(signerId, RawBody.be32(body.length)), body),
                concat(new byte[] {0x02, 0x01}, new byte[513]));
        rejected(Reason.MALFORMED, fixture, fixture.codec.sealInner(longSignature, fixture.recipient.getPublic()));
        // Unknown signer is checked before the framing.
        byte[] stranger = inner.clone();
        stranger[0] ^= 1;
        RawBody.putU32(stranger, 32, 0xffff_ffffL);
        rejected(Reason.UNKNOWN_SIGNER, fixture, fixture.codec.sealInner(stranger, fixture.recipient.getPublic()));
    }

    // ----------------------------------------------------------------- expectation-level rejections

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void replayedForAnotherMigration(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] sealed = fixture.seal(fixture.bundle());
        Expectation otherMigration = new Expectation(UUID.randomUUID(), fixture.nonce, Fixture.VTPCM_ID,
                Fixture.EPOCH, Fixture.DESTINATION);
        BundleRejectedException e = rejected(Reason.REPLAYED, fixture, () -> fixture.open(sealed, otherMigration));
        assertTrue(e.getMessage().contains(Fixture.MIGRATION_ID.toString()), e.getMessage());
        byte[] otherNonce = fixture.nonce.clone();
        otherNonce[17] ^= 0x40;
        Expectation sameMigrationOtherNonce = new Expectation(Fixture.MIGRATION_ID, otherNonce, Fixture.VTPCM_ID,
                Fixture.EPOCH, Fixture.DESTINATION);
        rejected(Reason.REPLAYED, fixture, () -> fixture.open(sealed, sameMigrationOtherNonce));
        // The same migration id with a bundle carrying another nonce.
        byte[] staleNonce = fixture.nonce.clone();
        staleNonce[0] ^= 1;
        rejected(Reason.REPLAYED, fixture, fixture.seal(fixture.builder(1).nonce(staleNonce).build()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongEpoch(SuiteName name) {
        Fixture fixture = new Fixture(name);
        BundleRejectedException old = rejected(Reason.WRONG_EPOCH, fixture,
                fixture.seal(fixture.builder(1).epoch(Fixture.EPOCH - 1).build()));
        assertTrue(old.getMessage().contains("older"), old.getMessage());
        rejected(Reason.WRONG_EPOCH, fixture, fixture.seal(fixture.builder(1).epoch(Fixture.EPOCH + 1).build()));
        byte[] sealed = fixture.seal(fixture.bundle());
        rejected(Reason.WRONG_EPOCH, fixture, () -> fixture.open(sealed, new Expectation(Fixture.MIGRATION_ID,
                fixture.nonce, Fixture.VTPCM_ID, Fixture.EPOCH + 1, Fixture.DESTINATION)));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongVtpcm(SuiteName name) {
        Fixture fixture = new Fixture(name);
        rejected(Reason.WRONG_VTPCM, fixture, fixture.seal(fixture.builder(1).vtpcmId(UUID.randomUUID()).build()));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void wrongDestination(SuiteName name) {
        Fixture fixture = new Fixture(name);
        BundleRejectedException e = rejected(Reason.WRONG_DESTINATION, fixture,
                fixture.seal(fixture.builder(1).destinationNode("node-3.lab").build()));
        assertTrue(e.getMessage().contains("node-3.lab"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void checksApplyInTheDocumentedOrder(SuiteName name) {
        Fixture fixture = new Fixture(name);
        // Replayed, old, foreign vTPCM and wrong destination at once: REPLAYED wins.
        StateBundle everythingWrong = fixture.builder(1).migrationId(UUID.randomUUID()).epoch(1)
                .vtpcmId(UUID.randomUUID()).destinationNode("elsewhere").build();
        rejected(Reason.REPLAYED, fixture, fixture.seal(everythingWrong));
        // Old and for another vTPCM: WRONG_EPOCH wins.
        rejected(Reason.WRONG_EPOCH, fixture,
                fixture.seal(fixture.builder(1).epoch(1).vtpcmId(UUID.randomUUID()).build()));
        // Bad signature beats any expectation mismatch.
        byte[] body = fixture.body(everythingWrong);
        byte[] forged = SignedContent.encode(BundleCodec.keyId(fixture.suite, fixture.source.getPublic()), body,
                new byte[8]);
        rejected(Reason.BAD_SIGNATURE, fixture, fixture.codec.sealInner(forged, fixture.recipient.getPublic()));
        // Wrong suite byte beats wrong recipient; bad magic beats a bad version.
        KeyPair otherRecipient = fixture.suite.generateSigningKeyPair();
        byte[] sealed = fixture.codec.seal(fixture.bundle(), fixture.source.getPrivate(), fixture.source.getPublic(),
                otherRecipient.getPublic());
        sealed[7] ^= 3;
        rejected(Reason.WRONG_SUITE, fixture, sealed);
        sealed[6] = 9;
        rejected(Reason.UNSUPPORTED_VERSION, fixture, sealed);
        sealed[0] = 'X';
        rejected(Reason.BAD_MAGIC, fixture, sealed);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
