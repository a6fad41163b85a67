package org.vtpcm.manager.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MigrationFlagsTest {
    @Test
    void defaultsAreLivePeerToPeerAbortOnErrorAndUndefineTheSource() {
        int flags = MigrationFlags.forOptions(MigrationOptions.defaults());
        assertEquals(MigrationFlags.LIVE | MigrationFlags.PEER2PEER | MigrationFlags.ABORT_ON_ERROR | MigrationFlags.UNDEFINE_SOURCE, flags);
    }

    @Test
    void eachOptionAddsItsFlag() {
        int base = MigrationFlags.forOptions(MigrationOptions.defaults());
        assertEquals(base | MigrationFlags.TLS, MigrationFlags.forOptions(new MigrationOptions(1, false, true, false, 0)));
        assertEquals(base | MigrationFlags.PARALLEL, MigrationFlags.forOptions(new MigrationOptions(4, false, false, false, 0)));
        assertEquals(base | MigrationFlags.COMPRESSED, MigrationFlags.forOptions(new MigrationOptions(1, true, false, false, 0)));
        assertEquals(base | MigrationFlags.PAUSED, MigrationFlags.forOptions(new MigrationOptions(1, false, false, true, 0)));
    }

    @Test
    void flagsAreDistinctBits() {
        int[] all = {MigrationFlags.LIVE, MigrationFlags.PEER2PEER, MigrationFlags.TLS, MigrationFlags.PARALLEL,
                MigrationFlags.COMPRESSED, MigrationFlags.PAUSED, MigrationFlags.ABORT_ON_ERROR};
        int seen = 0;
        for (int flag : all) {
            assertEquals(1, Integer.bitCount(flag));
            assertEquals(0, seen & flag);
            seen |= flag;
        }
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MigrationOptions(0, false, false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new MigrationOptions(65, false, false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new MigrationOptions(1, false, false, false, -1));
    }
}
