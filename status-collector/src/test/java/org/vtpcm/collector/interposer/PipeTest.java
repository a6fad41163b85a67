package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vtpcm.collector.swtpm.FdSocket;

/** One relay direction over socket pairs, driven by hand: back-pressure, order, and a passed descriptor. */
@Timeout(30)
class PipeTest {
    private final FdSocket.Scratch scratch = new FdSocket.Scratch(64 * 1024);
    private final byte[] buffer = new byte[64 * 1024];

    @Test
    void forwardsEveryByteInOrderThroughAFullDestination() {
        FdSocket[] in = FdSocket.pair();
        FdSocket[] out = FdSocket.pair();
        ByteArrayOutputStream tapped = new ByteArrayOutputStream();
        Pipe pipe = new Pipe(in[1], out[0], false, (data, length) -> tapped.write(data, 0, length));
        byte[] stream = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(stream);
        ByteArrayOutputStream arrived = new ByteArrayOutputStream();
        FdSocket.Scratch writerScratch = new FdSocket.Scratch(64 * 1024);
        byte[] readerBuffer = new byte[4096];
        int written = 0;
        boolean sawBackPressure = false;
        try {
            while (arrived.size() < stream.length) {
                if (written < stream.length) {
                    written += in[0].trySend(writerScratch, stream, written, stream.length - written, -1);
                }
                if (pipe.hasPending()) {
                    sawBackPressure = true;
                    assertFalse(pipe.wantsToRead(), "the source is not read while bytes wait");
                    pipe.flush(scratch);
                }
                if (pipe.wantsToRead()) {
                    pipe.read(scratch, buffer);
                }
                FdSocket.Received received = out[1].tryReceive(scratch, readerBuffer); // a slow reader: 4 KB at a time
                if (received.length() > 0) {
                    arrived.write(readerBuffer, 0, received.length());
                }
            }
        } finally {
            for (FdSocket socket : new FdSocket[] {in[0], in[1], out[0], out[1]}) {
                socket.close();
            }
        }
        assertTrue(sawBackPressure, "the destination filled up at least once");
        assertArrayEquals(stream, arrived.toByteArray());
        assertArrayEquals(stream, tapped.toByteArray(), "the tap saw exactly what crossed");
    }

    @Test
    void aPassedDescriptorTravelsWithItsFirstByte() {
        FdSocket[] in = FdSocket.pair();
        FdSocket[] out = FdSocket.pair();
        FdSocket[] data = FdSocket.pair();
        Pipe pipe = new Pipe(in[1], out[0], true, (bytes, length) -> { });
        try {
            in[0].send(new byte[] {0, 0, 0, 16}, 4, data[1].fd()); // CMD_SET_DATAFD with the data channel's far end
            FdSocket.closeFd(data[1].fd()); // QEMU closes its copy (close(2) only: shutdown(2) would end the socket for every copy)
            pipe.read(scratch, buffer);
            assertFalse(pipe.hasPending());
            FdSocket.Received received = out[1].receive(buffer);
            assertEquals(4, received.length());
            assertTrue(received.passedFd() >= 0, "the descriptor arrived");
            try (FdSocket passed = adopt(received.passedFd())) {
                passed.send(new byte[] {42}, 1, -1);
                assertEquals(42, data[0].receive(buffer).length() == 1 ? buffer[0] : -1, "it is the data channel");
            }
        } finally {
            for (FdSocket socket : new FdSocket[] {in[0], in[1], out[0], out[1], data[0]}) {
                socket.close();
            }
        }
    }

    @Test
    void theEndOfTheSourceFinishesThePipeOnceNothingWaits() {
        FdSocket[] in = FdSocket.pair();
        FdSocket[] out = FdSocket.pair();
        Pipe pipe = new Pipe(in[1], out[0], false, (bytes, length) -> { });
        try {
            in[0].send(new byte[] {1, 2, 3}, 3, -1);
            in[0].close();
            pipe.read(scratch, buffer);
            assertFalse(pipe.finished());
            pipe.read(scratch, buffer);
            assertTrue(pipe.finished());
            assertEquals(3, out[1].receive(buffer).length());
        } finally {
            for (FdSocket socket : new FdSocket[] {in[1], out[0], out[1]}) {
                socket.close();
            }
        }
    }

    /** A received descriptor as a socket the test owns (FdSocket.adopt is package-private in swtpm). */
    private static FdSocket adopt(int fd) {
        try {
            var method = FdSocket.class.getDeclaredMethod("adopt", int.class);
            method.setAccessible(true);
            return (FdSocket) method.invoke(null, fd);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
