package org.vtpcm.collector.bundle;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Validation shared by {@link StateBundle}, {@link StateBundle.Entry} and {@link Expectation}.
 * Messages name the field and the rule, never the value: values may be secret or hostile
 * (a decoded bundle's strings come from the network).
 */
final class Checks {

    /** Node and VM names: what libvirt and OpenStack use, and safe to put in paths and logs. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    static final String NAME_RULE = "1-128 characters of [A-Za-z0-9_.+-], starting with a letter or digit";
    /** Reference values are lower-case hex digests (32 bytes today; up to 64 allowed). */
    static final Pattern HEX_DIGEST = Pattern.compile("(?:[0-9a-f]{2}){1,64}");
    static final int MAX_LIST = 100_000;

    private Checks() {
    }

    static <T> T notNull(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " is null");
    }

    static byte[] exactCopy(byte[] value, int length, String field) {
        notNull(value, field);
        if (value.length != length) {
            throw new IllegalArgumentException(field + " must be " + length + " bytes, not " + value.length);
        }
        return value.clone();
    }

    static byte[] boundedCopy(byte[] value, int max, String field) {
        notNull(value, field);
        if (value.length == 0 || value.length > max) {
            throw new IllegalArgumentException(field + " must be 1.." + max + " bytes, not " + value.length);
        }
        return value.clone();
    }

    static String name(String value, String field) {
        notNull(value, field);
        // Length first so the regex never runs on a huge string.
        if (value.length() > 128 || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " is not a valid name (" + NAME_RULE + ")");
        }
        return value;
    }

    /**
     * A string that survives a UTF-8 round trip (no unpaired surrogates) and encodes to at most
     * {@code maxUtf8Bytes} bytes, so what is sealed is exactly what is opened.
     */
    static String text(String value, int maxUtf8Bytes, String field) {
        notNull(value, field);
        long length = Utf8.encodedLength(value);
        if (length < 0) {
            throw new IllegalArgumentException(field + " contains an unpaired surrogate (not encodable as UTF-8)");
        }
        if (length > maxUtf8Bytes) {
            throw new IllegalArgumentException(field + " is " + length + " UTF-8 bytes, more than its limit "
                    + maxUtf8Bytes);
        }
        return value;
    }

    static <T> List<T> list(List<T> value, String field) {
        notNull(value, field);
        if (value.size() > MAX_LIST) {
            throw new IllegalArgumentException(field + " has " + value.size() + " elements, more than "
                    + MAX_LIST);
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                throw new IllegalArgumentException(field + "[" + i + "] is null");
            }
        }
        return List.copyOf(value);
    }
}
