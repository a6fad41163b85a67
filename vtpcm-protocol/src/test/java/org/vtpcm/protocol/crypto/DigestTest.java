package org.vtpcm.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DigestTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sm3KnownAnswers() {
        CryptoSuite sm = CryptoSuites.of(SuiteName.SM);
        assertEquals("SM3", sm.digestAlgorithm());
        // GB/T 32905-2016, examples 1 and 2.
        assertEquals("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                HEX.formatHex(sm.digest(ascii("abc"))));
        assertEquals("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
                HEX.formatHex(sm.digest(ascii("abcd".repeat(16)))));
    }

    @Test
    void sha256KnownAnswers() {
        CryptoSuite nist = CryptoSuites.of(SuiteName.NIST);
        assertEquals("SHA-256", nist.digestAlgorithm());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HEX.formatHex(nist.digest(ascii("abc"))));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HEX.formatHex(nist.digest(new byte[0])));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void digestIs32BytesAndMatchesJca(SuiteName name) throws Exception {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] data = randomBytes(1000, 1);
        byte[] expected = MessageDigest.getInstance(suite.digestAlgorithm(), BouncyCastle.provider()).digest(data);
        assertEquals(32, suite.digest(data).length);
        assertArrayEquals(expected, suite.digest(data));
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void streamingDigestEqualsArrayDigest(SuiteName name) throws IOException {
        CryptoSuite suite = CryptoSuites.of(name);
        for (int size : new int[] {0, 1, 65_535, 65_536, 65_537, 3 * 1024 * 1024 + 7}) {
            byte[] data = randomBytes(size, size);
            assertArrayEquals(suite.digest(data), suite.digest(new ByteArrayInputStream(data)), "size " + size);
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void streamingDigestCopesWithShortReads(SuiteName name) throws IOException {
        CryptoSuite suite = CryptoSuites.of(name);
        byte[] data = randomBytes(10_000, 3);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        assertArrayEquals(suite.digest(data), suite.digest(trickle));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
