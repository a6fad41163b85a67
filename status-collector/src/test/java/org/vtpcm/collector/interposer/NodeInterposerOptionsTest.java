package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vtpcm.protocol.crypto.SuiteName;

class NodeInterposerOptionsTest {
    @Test
    void readsEveryOptionWithDefaults() {
        NodeInterposerOptions options = NodeInterposerOptions.parse("--socket", "/run/vtpcm/interposer.sock", "--run-dir", "/run/vtpcm");
        assertEquals(Path.of("/run/vtpcm/interposer.sock"), options.socket());
        assertEquals(Path.of("/run/vtpcm"), options.runDir());
        assertEquals(SuiteName.SM, options.suite());
        assertEquals(Optional.empty(), options.pidFile());
        NodeInterposerOptions all = NodeInterposerOptions.parse("--suite", "NIST", "--pid-file", "/run/vtpcm/interposer.pid", "--run-dir",
                "/run/vtpcm/", "--socket", "/run/vtpcm/../vtpcm/interposer.sock");
        assertEquals(SuiteName.NIST, all.suite());
        assertEquals(Optional.of(Path.of("/run/vtpcm/interposer.pid")), all.pidFile());
        assertEquals(Path.of("/run/vtpcm/interposer.sock"), all.socket(), "normalized");
    }

    @Test
    void anythingElseIsAOneLineReason() {
        assertReason("--run-dir is required", "--socket", "/s");
        assertReason("--socket is required", "--run-dir", "/r");
        assertReason("unknown option --listen", "--listen", "/l");
        assertReason("--socket needs a value", "--run-dir", "/r", "--socket");
        assertReason("--socket needs a value", "--socket", "--run-dir", "/r");
        assertReason("--socket given twice", "--socket", "/a", "--socket", "/b", "--run-dir", "/r");
        assertReason("unknown crypto suite 'rsa'; allowed values: sm, nist", "--socket", "/s", "--run-dir", "/r", "--suite", "rsa");
    }

    private static void assertReason(String reason, String... args) {
        assertEquals(reason, assertThrows(IllegalArgumentException.class, () -> NodeInterposerOptions.parse(args)).getMessage());
    }
}
