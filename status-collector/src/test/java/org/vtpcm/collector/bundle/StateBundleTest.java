package org.vtpcm.collector.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vtpcm.protocol.crypto.SuiteName;

class StateBundleTest {

    private static final Fixture SM = new Fixture(SuiteName.SM);

    private static BundleBuilder valid() {
        return SM.builder(3);
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void keepsItsValues(SuiteName name) {
        Fixture fixture = new Fixture(name);
        BundleBuilder builder = fixture.builder(3);
        StateBundle bundle = builder.build();
        assertEquals(2, bundle.formatVersion());
        assertEquals(Fixture.MIGRATION_ID, bundle.migrationId());
        assertArrayEquals(fixture.nonce, bundle.nonce());
        assertEquals(Fixture.VTPCM_ID, bundle.vtpcmId());
        assertEquals(Fixture.VM_UUID, bundle.vmUuid());
        assertEquals("instance-0000002a", bundle.vmName());
        assertEquals(Fixture.EPOCH, bundle.epoch());
        assertEquals(Fixture.SOURCE, bundle.sourceNode());
        assertEquals(Fixture.DESTINATION, bundle.destinationNode());
        assertEquals(name, bundle.suite());
        assertArrayEquals(builder.identityPrivateKey, bundle.identityPrivateKey());
        assertArrayEquals(builder.identityPublicKey, bundle.identityPublicKey());
        assertEquals("deny", bundle.policy());
        assertEquals(builder.measurementLog, bundle.measurementLog());
        assertEquals(builder.referenceValues, bundle.referenceValues());
        assertEquals(builder.createdAt, bundle.createdAt());
    }

    @Test
    void copiesArraysInAndOut() {
        BundleBuilder builder = valid();
        byte[] nonce = builder.nonce.clone();
        byte[] key = builder.identityPrivateKey.clone();
        byte[] publicKey = builder.identityPublicKey.clone();
        StateBundle bundle = builder.build();
        builder.nonce[0] ^= 1;
        builder.identityPrivateKey[0] ^= 1;
        builder.identityPublicKey[0] ^= 1;
        assertArrayEquals(nonce, bundle.nonce());
        assertArrayEquals(key, bundle.identityPrivateKey());
        assertArrayEquals(publicKey, bundle.identityPublicKey());
        bundle.nonce()[0] ^= 1;
        bundle.identityPrivateKey()[0] ^= 1;
        bundle.identityPublicKey()[0] ^= 1;
        assertArrayEquals(nonce, bundle.nonce());
        assertArrayEquals(key, bundle.identityPrivateKey());
        assertArrayEquals(publicKey, bundle.identityPublicKey());
    }

    @Test
    void copiesListsAndMakesThemUnmodifiable() {
        List<StateBundle.Entry> log = new ArrayList<>(Fixture.log(3, 1));
        List<String> values = new ArrayList<>(List.of("ab", "cd"));
        StateBundle bundle = valid().measurementLog(log).referenceValues(values).build();
        log.clear();
        values.clear();
        assertEquals(3, bundle.measurementLog().size());
        assertEquals(2, bundle.referenceValues().size());
        assertThrows(UnsupportedOperationException.class, () -> bundle.measurementLog().clear());
        assertThrows(UnsupportedOperationException.class, () -> bundle.referenceValues().add("ef"));
    }

    static Stream<Arguments> nullFields() {
        return Stream.<Consumer<BundleBuilder>>of(
                b -> b.migrationId(null), b -> b.nonce(null), b -> b.vtpcmId(null), b -> b.vmUuid(null),
                b -> b.vmName(null), b -> b.sourceNode(null), b -> b.destinationNode(null), b -> b.suite(null),
                b -> b.identityPrivateKey(null), b -> b.identityPublicKey(null), b -> b.policy(null),
                b -> b.measurementLog(null), b -> b.referenceValues(null), b -> b.createdAt(null)).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("nullFields")
    void rejectsNulls(Consumer<BundleBuilder> change) {
        BundleBuilder builder = valid();
        change.accept(builder);
        assertThrows(NullPointerException.class, builder::build);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 33, 64})
    void nonceMustBe32Bytes(int length) {
        assertThrows(IllegalArgumentException.class, () -> valid().nonce(new byte[length]).build());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void epochMustBePositive(long epoch) {
        assertThrows(IllegalArgumentException.class, () -> valid().epoch(epoch).build());
    }

    @Test
    void epochBoundsAccepted() {
        assertEquals(1, valid().epoch(1).build().epoch());
        assertEquals(Long.MAX_VALUE, valid().epoch(Long.MAX_VALUE).build().epoch());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, -1}) // 1, the previous version, is read but decodes to version 2
    void formatVersionMustBeCurrent(int version) {
        assertThrows(IllegalArgumentException.class, () -> valid().formatVersion(version).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z9", "instance-0000002a", "node_1.lab+x", "0-a.b_c+d"})
    void acceptsValidNames(String name) {
        StateBundle bundle = valid().vmName(name).sourceNode(name).destinationNode(name).build();
        assertEquals(name, bundle.vmName());
    }

    @Test
    void acceptsNameOf128Characters() {
        String name = "a".repeat(128);
        assertEquals(name, valid().vmName(name).build().vmName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", ".a", "_a", "+a", "a b", "a/b", "a\nb", "ä", "a:b", "../x"})
    void rejectsInvalidNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> valid().vmName(name).build());
        assertThrows(IllegalArgumentException.class, () -> valid().sourceNode(name).build());
        assertThrows(IllegalArgumentException.class, () -> valid().destinationNode(name).build());
    }

    @Test
    void rejectsNameOf129Characters() {
        assertThrows(IllegalArgumentException.class, () -> valid().vmName("a".repeat(129)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "DENY", "Audit", "allow", "deny "})
    void rejectsUnknownPolicy(String policy) {
        assertThrows(IllegalArgumentException.class, () -> valid().policy(policy).build());
    }

    @Test
    void acceptsBothPolicies() {
        assertEquals("audit", valid().policy("audit").build().policy());
        assertEquals("deny", valid().policy("deny").build().policy());
    }

    @Test
    void listsAreLimitedTo100000Entries() {
        StateBundle.Entry entry = Fixture.log(1, 1).get(0);
        assertEquals(100_000, valid().measurementLog(Collections.nCopies(100_000, entry)).build()
                .measurementLog().size());
        assertThrows(IllegalArgumentException.class,
                () -> valid().measurementLog(Collections.nCopies(100_001, entry)).build());
        assertThrows(IllegalArgumentException.class,
                () -> valid().referenceValues(Collections.nCopies(100_001, "ab")).build());
    }

    @Test
    void listsMustNotHoldNulls() {
        List<StateBundle.Entry> log = new ArrayList<>(Fixture.log(2, 1));
        log.add(null);
        assertThrows(IllegalArgumentException.class, () -> valid().measurementLog(log).build());
        List<String> values = new ArrayList<>(List.of("ab"));
        values.add(null);
        assertThrows(IllegalArgumentException.class, () -> valid().referenceValues(values).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "AB", "abc", "xy", "ab cd", "0x12", "ab\n"})
    void rejectsInvalidReferenceValues(String value) {
        assertThrows(IllegalArgumentException.class, () -> valid().referenceValues(List.of(value)).build());
    }

    @Test
    void referenceValuesUpTo64Bytes() {
        valid().referenceValues(List.of("ab".repeat(64))).build();
        assertThrows(IllegalArgumentException.class, () -> valid().referenceValues(List.of("ab".repeat(65))).build());
    }

    @Test
    void keysMustBeNonEmptyAndBounded() {
        assertThrows(IllegalArgumentException.class, () -> valid().identityPrivateKey(new byte[0]).build());
        assertThrows(IllegalArgumentException.class, () -> valid().identityPrivateKey(new byte[2049]).build());
        assertThrows(IllegalArgumentException.class, () -> valid().identityPublicKey(new byte[0]).build());
        assertThrows(IllegalArgumentException.class, () -> valid().identityPublicKey(new byte[1025]).build());
    }

    @Test
    void entryValidation() {
        String hash = "00".repeat(32);
        assertThrows(IllegalArgumentException.class,
                () -> new StateBundle.Entry(-1, "at", "e", "t", "d", "v", "", hash, hash, "s"));
        assertThrows(NullPointerException.class,
                () -> new StateBundle.Entry(0, null, "e", "t", "d", "v", "", hash, hash, "s"));
        assertThrows(NullPointerException.class,
                () -> new StateBundle.Entry(0, "at", "e", "t", "d", "v", "", hash, hash, null));
        assertThrows(IllegalArgumentException.class,
                () -> new StateBundle.Entry(0, "at", "e", "t", "d", "v", "x".repeat(16385), hash, hash, "s"));
        // 16384 bytes of UTF-8 is the limit, whatever the character count.
        new StateBundle.Entry(0, "at", "e", "t", "d", "v", "x".repeat(16384), hash, hash, "s");
        assertThrows(IllegalArgumentException.class,
                () -> new StateBundle.Entry(0, "at", "e", "t", "d", "v", "ж".repeat(8193), hash, hash, "s"));
        assertThrows(IllegalArgumentException.class,
                () -> new StateBundle.Entry(0, "at", "e", "\ud800", "d", "v", "", hash, hash, "s"));
        assertThrows(IllegalArgumentException.class,
                () -> new StateBundle.Entry(0, "at", "e", "x\udc00y", "d", "v", "", hash, hash, "s"));
        assertEquals("🔒", new StateBundle.Entry(0, "", "", "", "", "", "🔒", "", "", "").detail());
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void toStringHidesPrivateKeyAndNonce(SuiteName name) {
        Fixture fixture = new Fixture(name);
        StateBundle bundle = fixture.bundle();
        String text = bundle.toString();
        byte[] key = bundle.identityPrivateKey();
        assertTrue(text.contains("redacted"), text);
        assertFalse(text.toLowerCase().contains(Fixture.HEX.formatHex(key, key.length - 8, key.length)), text);
        assertFalse(text.contains(Base64.getEncoder().encodeToString(key).substring(0, 16)), text);
        assertFalse(text.contains(decimalTail(key)), text);
        assertFalse(text.toLowerCase().contains(Fixture.HEX.formatHex(fixture.nonce, 0, 8)), text);
        assertTrue(text.contains(Fixture.VTPCM_ID.toString()), text);
    }

    private static String decimalTail(byte[] key) {
        return java.util.Arrays.toString(java.util.Arrays.copyOfRange(key, key.length - 6, key.length))
                .replace("[", "").replace("]", "");
    }

    @Test
    void equalityComparesContents() {
        StateBundle a = valid().build();
        StateBundle b = valid().build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        byte[] otherNonce = SM.nonce.clone();
        otherNonce[31] ^= 1;
        assertNotEquals(a, valid().nonce(otherNonce).build());
        assertNotEquals(a, valid().epoch(Fixture.EPOCH + 1).build());
        assertNotEquals(a, valid().measurementLog(List.of()).build());
        byte[] otherKey = a.identityPrivateKey();
        otherKey[otherKey.length - 1] ^= 1;
        assertNotEquals(a, valid().identityPrivateKey(otherKey).build());
    }
}
