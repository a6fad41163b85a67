package org.vtpcm.collector.bundle;

import org.vtpcm.protocol.crypto.SuiteName;

/** Wire ids of the suites: the same numbers the protocol's hybrid encryption header uses. */
final class SuiteIds {

    static final int SM = 0x01;
    static final int NIST = 0x02;

    private SuiteIds() {
    }

    static int id(SuiteName suite) {
        return switch (suite) {
            case SM -> SM;
            case NIST -> NIST;
        };
    }

    /** The suite with this id, or null for an unknown id. */
    static SuiteName suiteOf(int id) {
        return switch (id) {
            case SM -> SuiteName.SM;
            case NIST -> SuiteName.NIST;
            default -> null;
        };
    }

    static String describe(int id) {
        SuiteName suite = suiteOf(id);
        return suite != null ? suite.toString() : String.format("unknown suite id 0x%02x", id);
    }
}
