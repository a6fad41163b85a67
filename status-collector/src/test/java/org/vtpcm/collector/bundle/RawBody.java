package org.vtpcm.collector.bundle;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Splits a valid body into its raw fields and joins (possibly doctored) fields back, for crafting bad bodies. */
final class RawBody {

    /** One field; {@code declaredLength} is what the header claims (normally the value's length). */
    record Field(int tag, byte[] value, long declaredLength) {
        Field(int tag, byte[] value) {
            this(tag, value, value.length);
        }

        Field withValue(byte[] newValue) {
            return new Field(tag, newValue);
        }
    }

    private RawBody() {
    }

    static List<Field> split(byte[] body) {
        List<Field> fields = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            int tag = body[at] & 0xff;
            int length = (int) u32(body, at + 1);
            byte[] value = java.util.Arrays.copyOfRange(body, at + 5, at + 5 + length);
            fields.add(new Field(tag, value));
            at += 5 + length;
        }
        return fields;
    }

    static byte[] join(List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            out.write(field.tag());
            out.writeBytes(be32(field.declaredLength()));
            out.writeBytes(field.value());
        }
        return out.toByteArray();
    }

    /** Index in {@code fields} of the field with {@code tag}. */
    static int indexOf(List<Field> fields, BodyField field) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).tag() == field.tag) {
                return i;
            }
        }
        throw new IllegalArgumentException("no field " + field);
    }

    static long u32(byte[] data, int at) {
        return ((long) (data[at] & 0xff) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8)
                | (data[at + 3] & 0xff);
    }

    static byte[] be32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    static void putU32(byte[] data, int at, long value) {
        System.arraycopy(be32(value), 0, data, at, 4);
    }
}
