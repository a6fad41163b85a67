package org.vtpcm.collector.interposer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.vtpcm.collector.swtpm.FdSocket;

/** A hand-driven admin client: raw bytes in, raw lines out, every read bounded. */
final class RawAdmin implements AutoCloseable {
    private final FdSocket socket;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    RawAdmin(Path adminSocket) {
        this.socket = FdSocket.connect(adminSocket).withReceiveTimeout(Duration.ofSeconds(10));
    }

    void send(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(bytes, bytes.length, -1);
    }

    /** Sends one line and reads the answer line. */
    String exchange(String line) {
        send(line + "\n");
        return readLine();
    }

    /** The next line, or null once the service closed the connection. */
    String readLine() {
        byte[] one = new byte[1];
        while (true) {
            FdSocket.Received received = socket.receive(one);
            if (received.endOfStream()) {
                return null;
            }
            if (one[0] == '\n') {
                String line = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                return line;
            }
            pending.write(one[0]);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
