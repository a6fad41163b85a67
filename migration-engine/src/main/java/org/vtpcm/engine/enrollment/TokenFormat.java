package org.vtpcm.engine.enrollment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An enrollment token: {@code vtpcm1.<id>.<secret>}. The id (12 hex digits) names the token in
 * lists, logs and revocations; the secret (256 random bits, base64url) is what authenticates. The
 * prefix lets secret scanners recognise a leaked token. Only the SHA-256 of the whole token is kept.
 */
final class TokenFormat {
    static final Pattern ID = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern TOKEN = Pattern.compile("vtpcm1\\.([0-9a-f]{12})\\.[A-Za-z0-9_-]{43}");

    private TokenFormat() {
    }

    /** A new token and its id. */
    record Generated(String id, String token) {
        @Override
        public String toString() {
            return "Generated[id=" + id + "]";
        }
    }

    static Generated generate(SecureRandom random) {
        byte[] id = new byte[6];
        byte[] secret = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        String hexId = HexFormat.of().formatHex(id);
        return new Generated(hexId, "vtpcm1." + hexId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** The id of a well-formed token; empty for anything else. */
    static Optional<String> id(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Matcher matcher = TOKEN.matcher(token);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
