package org.vtpcm.collector.swtpm;

/** swtpm state blob types (PTM_BLOB_TYPE_*): what QEMU moves in a migration. */
public enum StateBlobType {
    PERMANENT(1),
    VOLATILE(2),
    SAVESTATE(3);

    private final int code;

    StateBlobType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static java.util.Optional<StateBlobType> of(int code) {
        for (StateBlobType type : values()) {
            if (type.code == code) {
                return java.util.Optional.of(type);
            }
        }
        return java.util.Optional.empty();
    }
}
