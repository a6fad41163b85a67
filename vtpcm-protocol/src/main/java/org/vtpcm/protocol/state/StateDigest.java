package org.vtpcm.protocol.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The digest of a vTPCM's TPM state blobs as an interposer saw them (fetched at a source, loaded at a
 * destination): one type from the interposer's report through the node API and the engine's journal
 * to the receipt. Written as lower-case hex; {@link #NONE} (the empty string) when nothing was seen.
 */
public final class StateDigest {
    /** No digest: the interposer saw no complete state. */
    public static final StateDigest NONE = new StateDigest(new byte[0]);
    private static final int MAX_BYTES = 64;

    private final byte[] bytes;

    private StateDigest(byte[] bytes) {
        this.bytes = bytes;
    }

    public static StateDigest of(byte[] bytes) {
        if (bytes.length == 0) {
            return NONE;
        }
        if (bytes.length < 16 || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a state digest has 16 to " + MAX_BYTES + " bytes, not " + bytes.length);
        }
        return new StateDigest(bytes.clone());
    }

    /** Parses hex (the empty string or null is {@link #NONE}). */
    @JsonCreator
    public static StateDigest parse(String hex) {
        if (hex == null || hex.isEmpty()) {
            return NONE;
        }
        try {
            return of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a state digest: " + (hex.length() > 16 ? hex.substring(0, 16) + "..." : hex));
        }
    }

    public boolean isPresent() {
        return bytes.length > 0;
    }

    @JsonValue
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether both are present and equal: the state that arrived is the state that left. */
    public boolean matches(StateDigest other) {
        return isPresent() && equals(other);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StateDigest that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return isPresent() ? hex() : "no digest";
    }
}
