package org.vtpcm.attestation.tpm2;

import java.util.Arrays;

/**
 * Bounds-checked big-endian reader for TPM 2.0 wire structures.
 * Every read past the end throws {@link TpmFormatException}, so parsers built on it
 * never fail with index or allocation errors on untrusted input.
 */
public final class TpmReader {
    private final byte[] data;
    private int position;

    public TpmReader(byte[] data) {
        if (data == null) {
            throw new TpmFormatException("no data");
        }
        this.data = data;
    }

    public int remaining() {
        return data.length - position;
    }

    public int position() {
        return position;
    }

    public int u8() {
        require(1);
        return data[position++] & 0xff;
    }

    public int u16() {
        require(2);
        int value = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return value;
    }

    public long u32() {
        require(4);
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (data[position + i] & 0xff);
        }
        position += 4;
        return value;
    }

    public long u64() {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (data[position + i] & 0xff);
        }
        position += 8;
        return value;
    }

    public byte[] bytes(int length) {
        require(length);
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    /** Reads a TPM2B: a 16-bit size followed by that many bytes. */
    public byte[] sized() {
        return bytes(u16());
    }

    /** Returns all bytes not read yet. */
    public byte[] rest() {
        return bytes(remaining());
    }

    public void expectEnd(String structure) {
        if (remaining() != 0) {
            throw new TpmFormatException(structure + " has " + remaining() + " unexpected trailing bytes");
        }
    }

    private void require(int length) {
        if (length < 0 || length > remaining()) {
            throw new TpmFormatException("truncated structure: need " + length + " bytes at offset " + position
                    + ", only " + remaining() + " left");
        }
    }
}
