package org.vtpcm.attestation.tpm2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** KDFa with HMAC-SHA256 in counter mode (TPM 2.0 Part 1, §11.4.10.2; NIST SP 800-108). */
public final class Kdfa {
    private Kdfa() {
    }

    /**
     * @param key      the HMAC key (for credentials: the seed)
     * @param label    ASCII label without terminator; a single 0 byte is appended as the spec requires
     * @param contextU first context value (may be empty)
     * @param contextV second context value (may be empty)
     * @param bits     number of bits to derive, a multiple of 8
     */
    public static byte[] sha256(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        if (bits <= 0 || bits % 8 != 0) {
            throw new IllegalArgumentException("bits must be a positive multiple of 8");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[bits / 8];
            int produced = 0;
            for (int counter = 1; produced < out.length; counter++) {
                mac.update(ByteBuffer.allocate(4).putInt(counter).array());
                mac.update(labelBytes);
                mac.update((byte) 0);
                mac.update(contextU);
                mac.update(contextV);
                mac.update(ByteBuffer.allocate(4).putInt(bits).array());
                byte[] block = mac.doFinal();
                int take = Math.min(block.length, out.length - produced);
                System.arraycopy(block, 0, out, produced, take);
                produced += take;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }
}
