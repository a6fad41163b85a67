package org.vtpcm.engine.protocol;

import static java.util.Objects.requireNonNull;

import org.vtpcm.engine.journal.MigrationRecord;

/** A Nova hook refused (the migration rolled back or failed): the code and reason Nova's driver reports, and the record. */
public final class NovaRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient MigrationRecord record;

    public NovaRefusedException(String code, String message, MigrationRecord record) {
        super(message);
        this.code = requireNonNull(code, "code is null");
        this.record = requireNonNull(record, "record is null");
    }

    public String code() {
        return code;
    }

    public MigrationRecord record() {
        return record;
    }
}
