package org.vtpcm.collector.swtpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The control-stream parser on byte sequences as QEMU and swtpm produce them, in any chunking. */
class ControlStreamObserverTest {
    private static byte[] request(ControlCommand command, byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(command.code()).put(body).array();
    }

    private static void feed(ControlStreamObserver observer, byte[] bytes, boolean fromClient, int chunk) {
        for (int offset = 0; offset < bytes.length; offset += chunk) {
            int length = Math.min(chunk, bytes.length - offset);
            byte[] part = new byte[length];
            System.arraycopy(bytes, offset, part, 0, length);
            if (fromClient) {
                observer.fromClient(part, length);
            } else {
                observer.fromServer(part, length);
            }
        }
    }

    @Test
    void followsQemusStartupAndAMigrationInAnyChunking() {
        byte[] blob = new byte[5000];
        for (int i = 0; i < blob.length; i++) {
            blob[i] = (byte) (i * 7);
        }
        for (int chunk : new int[] {1, 3, 16, 4096, 100000}) {
            ControlStreamObserver observer = new ControlStreamObserver();
            feed(observer, request(ControlCommand.GET_CAPABILITY, new byte[0]), true, chunk);
            feed(observer, new byte[8], false, chunk);
            // QEMU pads SET_LOCALITY's one-byte body to the 4-byte union
            feed(observer, request(ControlCommand.SET_LOCALITY, new byte[4]), true, 100000);
            feed(observer, new byte[4], false, chunk);
            feed(observer, request(ControlCommand.GET_STATEBLOB, ByteBuffer.allocate(12).putInt(1).putInt(2).putInt(0).array()), true, chunk);
            feed(observer, ByteBuffer.allocate(16 + blob.length).putInt(0).putInt(0).putInt(blob.length).putInt(blob.length).put(blob)
                    .array(), false, chunk);
            feed(observer, request(ControlCommand.SET_STATEBLOB, ByteBuffer.allocate(12 + blob.length).putInt(0).putInt(1)
                    .putInt(blob.length).put(blob).array()), true, chunk);
            feed(observer, new byte[4], false, chunk);
            assertTrue(observer.inSync(), "chunk " + chunk);
            assertEquals(4, observer.commandsSeen());
            assertArrayEquals(blob, observer.fetchedBlobs().get(StateBlobType.VOLATILE));
            assertArrayEquals(blob, observer.loadedBlobs().get(StateBlobType.PERMANENT));
            assertEquals(1, observer.blobsFetched());
            assertEquals(1, observer.blobsLoaded());
        }
    }

    @Test
    void aFailedGetStateBlobHasNoBody() {
        ControlStreamObserver observer = new ControlStreamObserver();
        feed(observer, request(ControlCommand.GET_STATEBLOB, new byte[12]), true, 100);
        feed(observer, ByteBuffer.allocate(16).putInt(9).putInt(0).putInt(0).putInt(0).array(), false, 100);
        assertTrue(observer.inSync());
        assertTrue(observer.fetchedBlobs().isEmpty());
        assertEquals(0, observer.blobsFetched());
    }

    @Test
    void anythingItCannotFollowStopsTheObservationForGood() {
        ControlStreamObserver unknown = new ControlStreamObserver();
        feed(unknown, request(ControlCommand.GET_CAPABILITY, new byte[0]), true, 100);
        feed(unknown, new byte[8], false, 100);
        feed(unknown, ByteBuffer.allocate(4).putInt(99).array(), true, 100);
        assertFalse(unknown.inSync());

        ControlStreamObserver unsolicited = new ControlStreamObserver();
        feed(unsolicited, new byte[4], false, 100);
        assertFalse(unsolicited.inSync());

        ControlStreamObserver huge = new ControlStreamObserver();
        feed(huge, request(ControlCommand.SET_STATEBLOB, ByteBuffer.allocate(12).putInt(0).putInt(1).putInt(Integer.MAX_VALUE).array()),
                true, 100);
        assertFalse(huge.inSync(), "an absurd length is not believed (and not allocated)");
    }

    @Test
    void aBoundedObserverBuffersNoBlobOverItsBound() {
        ControlStreamObserver small = new ControlStreamObserver(1024);
        feed(small, request(ControlCommand.SET_STATEBLOB, ByteBuffer.allocate(12).putInt(0).putInt(1).putInt(1025).array()), true, 100);
        assertFalse(small.inSync());

        ControlStreamObserver fits = new ControlStreamObserver(1024);
        feed(fits, request(ControlCommand.SET_STATEBLOB, ByteBuffer.allocate(12 + 1024).putInt(0).putInt(1).putInt(1024).array()), true, 100);
        feed(fits, new byte[4], false, 100);
        assertTrue(fits.inSync());
        assertEquals(1, fits.blobsLoaded());

        ControlStreamObserver hashing = new ControlStreamObserver();
        feed(hashing, request(ControlCommand.HASH_DATA, ByteBuffer.allocate(4).putInt(-1).array()), true, 100);
        assertFalse(hashing.inSync(), "a HASH_DATA length of 4 GiB is not believed");
    }
}
