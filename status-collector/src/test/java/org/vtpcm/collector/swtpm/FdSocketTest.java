package org.vtpcm.collector.swtpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdSocketTest {
    @TempDir
    Path directory;

    @Test
    void listensAtItsPathOnlyOnceReadyWithOwnerOnlyPermissions() throws Exception {
        Path path = directory.resolve("ctrl.sock");
        try (FdSocketCloser listener = new FdSocketCloser(FdSocket.listen(path))) {
            assertTrue(Files.exists(path));
            assertFalse(Files.exists(directory.resolve("ctrl.sock.binding")), "the temporary name is gone");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            FdSocket client = FdSocket.connect(path);
            FdSocket accepted = listener.socket().accept();
            client.send(new byte[] {1, 2, 3}, 3, -1);
            byte[] buffer = new byte[8];
            assertEquals(3, accepted.receive(buffer).length());
            client.close();
            accepted.close();
        }
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        Path path = directory.resolve("ctrl.sock");
        FdSocket.listen(path).close();
        try (FdSocketCloser listener = new FdSocketCloser(FdSocket.listen(path))) {
            FdSocket.connect(path).close();
        }
    }

    @Test
    void aFolderThatDoesNotExistIsAClearError() {
        SwtpmControlException e = assertThrows(SwtpmControlException.class,
                () -> FdSocket.listen(directory.resolve("missing").resolve("ctrl.sock")));
        assertTrue(e.getMessage().startsWith("cannot listen on "), e.getMessage());
        assertFalse(Files.exists(directory.resolve("missing")));
    }

    private record FdSocketCloser(FdSocket socket) implements AutoCloseable {
        @Override
        public void close() {
            socket.close();
        }
    }
}
