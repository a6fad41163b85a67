package org.vtpcm.collector.bundle;

import java.util.Arrays;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Encodes a {@link StateBundle} as a body of format version {@value StateBundle#FORMAT_VERSION}
 * (the only version written): each of its {@link BodyField}s in order as
 * {@code tag u8 | length u32 | value}. See {@link BundleCodec} for the layout. The result holds
 * the identity private key; callers wipe it when done.
 */
final class BodyWriter {

    private BodyWriter() {
    }

    /** @throws IllegalArgumentException if the body would exceed {@code limit} bytes */
    static byte[] write(StateBundle bundle, int limit) {
        ByteSink out = new ByteSink(limit);
        byte[] privateKey = bundle.identityPrivateKey();
        try {
            field(out, BodyField.FORMAT_VERSION, o -> o.i32(bundle.formatVersion()));
            field(out, BodyField.MIGRATION_ID, o -> uuid(o, bundle.migrationId()));
            field(out, BodyField.NONCE, o -> o.bytes(bundle.nonce()));
            field(out, BodyField.VTPCM_ID, o -> uuid(o, bundle.vtpcmId()));
            field(out, BodyField.VM_UUID, o -> uuid(o, bundle.vmUuid()));
            field(out, BodyField.VM_NAME, o -> o.bytes(Utf8.encode(bundle.vmName())));
            field(out, BodyField.EPOCH, o -> o.i64(bundle.epoch()));
            field(out, BodyField.SOURCE_NODE, o -> o.bytes(Utf8.encode(bundle.sourceNode())));
            field(out, BodyField.DESTINATION_NODE, o -> o.bytes(Utf8.encode(bundle.destinationNode())));
            field(out, BodyField.SUITE, o -> o.u8(SuiteIds.id(bundle.suite())));
            field(out, BodyField.IDENTITY_PRIVATE_KEY, o -> o.bytes(privateKey));
            field(out, BodyField.IDENTITY_PUBLIC_KEY, o -> o.bytes(bundle.identityPublicKey()));
            field(out, BodyField.POLICY, o -> o.bytes(Utf8.encode(bundle.policy())));
            field(out, BodyField.MEASUREMENT_LOG, o -> {
                o.u32(bundle.measurementLog().size());
                for (StateBundle.Entry entry : bundle.measurementLog()) {
                    o.i64(entry.seq());
                    string(o, entry.at());
                    string(o, entry.event());
                    string(o, entry.target());
                    string(o, entry.digest());
                    string(o, entry.verdict());
                    string(o, entry.detail());
                    string(o, entry.previousHash());
                    string(o, entry.entryHash());
                    string(o, entry.signature());
                }
            });
            field(out, BodyField.REFERENCE_VALUES, o -> {
                o.u32(bundle.referenceValues().size());
                for (String value : bundle.referenceValues()) {
                    string(o, value);
                }
            });
            field(out, BodyField.CREATED_AT, o -> {
                o.i64(bundle.createdAt().getEpochSecond());
                o.i32(bundle.createdAt().getNano());
            });
            return out.toByteArray();
        } finally {
            out.wipe();
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    private static void field(ByteSink out, BodyField field, Consumer<ByteSink> value) {
        out.u8(field.tag);
        int lengthAt = out.reserveU32();
        value.accept(out);
        long length = out.size() - lengthAt - 4L;
        // The record's validation keeps every field within its bounds; this guards against drift.
        if (length < field.minLength || length > field.maxLength) {
            throw new IllegalArgumentException(field.label() + " encodes to " + length + " bytes, outside "
                    + field.minLength + ".." + field.maxLength);
        }
        out.patchU32(lengthAt, length);
    }

    private static void uuid(ByteSink out, UUID value) {
        out.i64(value.getMostSignificantBits());
        out.i64(value.getLeastSignificantBits());
    }

    private static void string(ByteSink out, String value) {
        byte[] bytes = Utf8.encode(value);
        out.u32(bytes.length);
        out.bytes(bytes);
    }
}
