package org.vtpcm.collector.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.vtpcm.protocol.crypto.CryptoException;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * The snapshot file format. All integers big-endian.
 *
 * <pre>
 * file:
 *   0   4  magic "VTSS"
 *   4   1  format version, 1
 *   5   1  suite: 1 = SM (SM4-GCM), 2 = NIST (AES-256-GCM)
 *   6   n  sealed record: nonce (12) || ciphertext || tag (16)
 *          AEAD associated data = file bytes 0..6 || US-ASCII file name
 * record (the plaintext):
 *   0   4  magic "VTSP"
 *   4   1  record version, 1
 *   5   1  kind: 1 = frozen, 2 = staged
 *   6  16  vTPCM id (most, least significant 64 bits)
 *  22   8  epoch
 *  30  16  migration id
 *  46   8  createdAt, seconds since the epoch
 *  54   4  createdAt, nanosecond adjustment
 *  58   4  payload length L
 *  62   L  payload
 * </pre>
 *
 * Binding the file name into the associated data means a file renamed to another id fails
 * authentication; the clear prefix lets a reader tell "not ours / newer format / other suite"
 * apart from tampering, and is itself authenticated.
 */
final class SnapshotCodec {
    static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

    private static final byte[] FILE_MAGIC = {'V', 'T', 'S', 'S'};
    private static final byte[] RECORD_MAGIC = {'V', 'T', 'S', 'P'};
    private static final byte FORMAT_VERSION = 1;
    private static final byte RECORD_VERSION = 1;
    private static final int PREFIX_LENGTH = 6;
    private static final int RECORD_HEADER_LENGTH = 62;
    private static final int AEAD_OVERHEAD = 12 + 16;
    /** Largest file a valid snapshot can produce; anything bigger is rejected before reading it. */
    static final long MAX_FILE_BYTES = (long) PREFIX_LENGTH + AEAD_OVERHEAD + RECORD_HEADER_LENGTH + MAX_PAYLOAD_BYTES;

    private SnapshotCodec() {
    }

    /** The complete file content for {@code snapshot}, sealed under {@code key}. */
    static byte[] seal(CryptoSuite suite, byte[] key, Snapshot snapshot) {
        byte[] prefix = prefix(suite.name());
        byte[] record = encodeRecord(snapshot);
        try {
            byte[] sealed = suite.seal(key, record, associatedData(prefix, snapshot.id()));
            return ByteBuffer.allocate(prefix.length + sealed.length).put(prefix).put(sealed).array();
        } finally {
            Arrays.fill(record, (byte) 0); // the plaintext copy of the state is secret
        }
    }

    /**
     * Authenticates and parses the content of the file named after {@code expected}.
     *
     * @throws SnapshotCorruptException for anything but an intact snapshot of exactly {@code expected}
     */
    static Snapshot open(CryptoSuite suite, byte[] key, SnapshotId expected, byte[] file) {
        String name = expected.fileName();
        if (file.length < PREFIX_LENGTH + AEAD_OVERHEAD) {
            throw corrupt(name, "is truncated (" + file.length + " bytes)");
        }
        if (!Arrays.equals(file, 0, FILE_MAGIC.length, FILE_MAGIC, 0, FILE_MAGIC.length)) {
            throw corrupt(name, "is not a snapshot file (bad magic)");
        }
        if (file[4] != FORMAT_VERSION) {
            throw corrupt(name, "has unsupported format version " + (file[4] & 0xff));
        }
        if (file[5] != suiteCode(suite.name())) {
            throw corrupt(name, "was sealed with suite code " + (file[5] & 0xff) + ", this store uses "
                    + suite.name() + " (code " + suiteCode(suite.name()) + ")");
        }
        byte[] prefix = Arrays.copyOfRange(file, 0, PREFIX_LENGTH);
        byte[] record;
        try {
            record = suite.open(key, Arrays.copyOfRange(file, PREFIX_LENGTH, file.length), associatedData(prefix, expected));
        } catch (CryptoException e) {
            // deliberately no cause detail: it can only say "tag mismatch"
            throw corrupt(name, "failed authentication (tampered, renamed from another id, or sealed with another key)");
        }
        try {
            return decodeRecord(name, expected, record);
        } finally {
            Arrays.fill(record, (byte) 0);
        }
    }

    private static byte[] encodeRecord(Snapshot snapshot) {
        SnapshotId id = snapshot.id();
        byte[] payload = snapshot.payload();
        try {
            ByteBuffer out = ByteBuffer.allocate(RECORD_HEADER_LENGTH + payload.length)
                    .put(RECORD_MAGIC).put(RECORD_VERSION).put(id.kind().code());
            putUuid(out, id.vtpcmId());
            out.putLong(id.epoch());
            putUuid(out, snapshot.migrationId());
            out.putLong(snapshot.createdAt().getEpochSecond()).putInt(snapshot.createdAt().getNano());
            return out.putInt(payload.length).put(payload).array();
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    private static Snapshot decodeRecord(String name, SnapshotId expected, byte[] record) {
        // authenticated, so a mismatch here means a bug or a forged key, never bit rot
        try {
            ByteBuffer in = ByteBuffer.wrap(record);
            byte[] magic = new byte[RECORD_MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, RECORD_MAGIC)) {
                throw corrupt(name, "has a bad record magic");
            }
            byte version = in.get();
            if (version != RECORD_VERSION) {
                throw corrupt(name, "has unsupported record version " + (version & 0xff));
            }
            SnapshotKind kind = SnapshotKind.fromCode(in.get())
                    .orElseThrow(() -> corrupt(name, "has an unknown snapshot kind"));
            SnapshotId id = new SnapshotId(getUuid(in), kind, in.getLong());
            if (!id.equals(expected)) {
                throw corrupt(name, "holds snapshot " + id.fileName() + " instead");
            }
            UUID migrationId = getUuid(in);
            Instant createdAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
            int length = in.getInt();
            if (length < 0 || length > MAX_PAYLOAD_BYTES || length != in.remaining()) {
                throw corrupt(name, "has payload length " + length + " but " + in.remaining() + " bytes follow");
            }
            byte[] payload = new byte[length];
            in.get(payload);
            try {
                return new Snapshot(id, migrationId, createdAt, payload);
            } finally {
                Arrays.fill(payload, (byte) 0);
            }
        } catch (BufferUnderflowException e) {
            throw corrupt(name, "has a truncated record");
        } catch (DateTimeException | IllegalArgumentException e) {
            throw corrupt(name, "has an invalid header field: " + e.getMessage());
        }
    }

    private static byte[] prefix(SuiteName suite) {
        return new byte[] {FILE_MAGIC[0], FILE_MAGIC[1], FILE_MAGIC[2], FILE_MAGIC[3], FORMAT_VERSION, suiteCode(suite)};
    }

    private static byte[] associatedData(byte[] prefix, SnapshotId id) {
        byte[] name = id.fileName().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(prefix.length + name.length).put(prefix).put(name).array();
    }

    private static byte suiteCode(SuiteName suite) {
        return switch (suite) {
            case SM -> 1;
            case NIST -> 2;
        };
    }

    private static void putUuid(ByteBuffer out, UUID uuid) {
        out.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    }

    private static UUID getUuid(ByteBuffer in) {
        return new UUID(in.getLong(), in.getLong());
    }

    private static SnapshotCorruptException corrupt(String fileName, String reason) {
        return new SnapshotCorruptException("snapshot file " + fileName + " " + reason);
    }
}
