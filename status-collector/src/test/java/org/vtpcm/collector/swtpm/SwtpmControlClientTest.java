package org.vtpcm.collector.swtpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-channel client against a real swtpm. */
class SwtpmControlClientTest {
    @TempDir
    Path folder;

    @Test
    void readsCapabilitiesAndMovesStateBlobs() throws Exception {
        try (SwtpmProcessFixture swtpm = new SwtpmProcessFixture(folder, true);
                SwtpmControlClient client = SwtpmControlClient.connect(swtpm.controlSocket)) {
            long capabilities = client.capabilities();
            assertTrue((capabilities & (1L << 10)) != 0, "PTM_CAP_GET_STATEBLOB");
            assertTrue((capabilities & (1L << 11)) != 0, "PTM_CAP_SET_STATEBLOB");
            client.init(0);
            StateBlob permanent = client.stateBlob(StateBlobType.PERMANENT, true);
            assertFalse(permanent.encrypted());
            assertTrue(permanent.data().length > 1000, "the permanent state of a TPM 2.0 is several KB: " + permanent);
            StateBlob volatileState = client.stateBlob(StateBlobType.VOLATILE, true);
            assertTrue(volatileState.data().length > 0);

            client.stop();
            client.setStateBlob(permanent);
            client.init(0);
            assertArrayEquals(permanent.data(), client.stateBlob(StateBlobType.PERMANENT, true).data());
        }
    }

    @Test
    void aBrokenChannelIsAClearError() throws Exception {
        assertThrows(SwtpmControlException.class, () -> SwtpmControlClient.connect(folder.resolve("nothing.ctrl")));
        try (SwtpmProcessFixture swtpm = new SwtpmProcessFixture(folder, true);
                SwtpmControlClient client = SwtpmControlClient.connect(swtpm.controlSocket)) {
            client.init(0);
            SwtpmControlException e = assertThrows(SwtpmControlException.class,
                    () -> client.setStateBlob(new StateBlob(StateBlobType.PERMANENT, false, new byte[] {1, 2, 3})));
            assertTrue(e.tpmResult() != 0, e.getMessage());
        }
    }
}
