package org.vtpcm.collector.bundle;

import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * One migration's worth of keys and a valid bundle for one suite: the source node key, the
 * destination's ephemeral key, the vTPCM identity key and the matching expectation.
 */
final class Fixture {

    static final UUID MIGRATION_ID = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    static final UUID VTPCM_ID = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    static final UUID VM_UUID = UUID.fromString("16fd2706-8baf-433b-82eb-8c7fada847da");
    static final long EPOCH = 8;
    static final String SOURCE = "node-1.lab";
    static final String DESTINATION = "node-2.lab";
    static final HexFormat HEX = HexFormat.of();

    final SuiteName name;
    final CryptoSuite suite;
    final BundleCodec codec;
    final KeyPair source;
    final KeyPair recipient;
    final KeyPair identity;
    final byte[] nonce;

    Fixture(SuiteName name) {
        this.name = name;
        this.suite = CryptoSuites.of(name);
        this.codec = new BundleCodec(suite);
        this.source = suite.generateSigningKeyPair();
        this.recipient = suite.generateSigningKeyPair();
        this.identity = suite.generateSigningKeyPair();
        this.nonce = new byte[32];
        new Random(42).nextBytes(nonce);
    }

    static SuiteName other(SuiteName name) {
        return name == SuiteName.SM ? SuiteName.NIST : SuiteName.SM;
    }

    /** A builder for a valid bundle with {@code logEntries} log entries. */
    BundleBuilder builder(int logEntries) {
        return new BundleBuilder()
                .migrationId(MIGRATION_ID)
                .nonce(nonce)
                .vtpcmId(VTPCM_ID)
                .vmUuid(VM_UUID)
                .vmName("instance-0000002a")
                .epoch(EPOCH)
                .sourceNode(SOURCE)
                .destinationNode(DESTINATION)
                .suite(name)
                .identityPrivateKey(suite.encodePrivateKey(identity.getPrivate()))
                .identityPublicKey(suite.encodePublicKey(identity.getPublic()))
                .policy("deny")
                .measurementLog(log(logEntries, 7))
                .referenceValues(List.of(HEX.formatHex(suite.digest(new byte[] {1})),
                        HEX.formatHex(suite.digest(new byte[] {2}))))
                .createdAt(Instant.parse("2025-03-01T10:15:30.123456789Z"));
    }

    StateBundle bundle() {
        return builder(5).build();
    }

    Expectation expectation() {
        return new Expectation(MIGRATION_ID, nonce, VTPCM_ID, EPOCH, DESTINATION);
    }

    byte[] seal(StateBundle bundle) {
        return codec.seal(bundle, source.getPrivate(), source.getPublic(), recipient.getPublic());
    }

    /** Signs and encrypts raw body bytes as the genuine source node would. */
    byte[] sealBody(byte[] body) {
        return codec.sealBody(body, source.getPrivate(), source.getPublic(), recipient.getPublic());
    }

    StateBundle open(byte[] sealed) {
        return open(sealed, expectation());
    }

    StateBundle open(byte[] sealed, Expectation expectation) {
        return codec.open(sealed, recipient.getPrivate(), recipient.getPublic(), source.getPublic(), expectation);
    }

    byte[] body(StateBundle bundle) {
        return BodyWriter.write(bundle, BundleCodec.MAX_BUNDLE_BYTES);
    }

    /** The decrypted signed content of a sealed bundle. */
    byte[] inner(byte[] sealed) {
        byte[] aad = java.util.Arrays.copyOf(sealed, Envelope.AAD_BYTES);
        byte[] ciphertext = java.util.Arrays.copyOfRange(sealed, Envelope.HEADER_BYTES, sealed.length);
        return suite.decryptWith(recipient.getPrivate(), ciphertext, aad);
    }

    /** A plausible hash-chained log (content is carried verbatim, so it need not verify). */
    static List<StateBundle.Entry> log(int count, long seed) {
        Random random = new Random(seed);
        List<StateBundle.Entry> entries = new ArrayList<>();
        String previous = "0".repeat(64);
        for (int i = 0; i < count; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            byte[] signature = new byte[70];
            random.nextBytes(signature);
            String entryHash = HEX.formatHex(hash);
            entries.add(new StateBundle.Entry(i, Instant.ofEpochSecond(1_740_000_000L + i * 60L).toString(),
                    i % 2 == 0 ? "boot-measure" : "control", "/var/lib/vtpcm/images/kernel-" + i,
                    HEX.formatHex(hash, 0, 32), i % 3 == 0 ? "match" : "alert",
                    i == 1 ? "mismatch on initrd – ядро 🔒" : "", previous, entryHash, HEX.formatHex(signature)));
            previous = entryHash;
        }
        return entries;
    }
}
