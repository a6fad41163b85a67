package org.vtpcm.collector.swtpm;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control-channel conversation between QEMU and swtpm as the interposer relays it,
 * and keeps the state blobs that cross it: those QEMU fetches (GET_STATEBLOB, at the source, as
 * the VM stops for the switchover) and those it loads (SET_STATEBLOB, at the destination).
 *
 * <p>The channel is strictly request/response, so the parser alternates between the two. If it
 * ever meets something it cannot follow it stops observing (the relay continues untouched) and
 * reports itself out of sync: a digest is then never claimed.
 */
public final class ControlStreamObserver {
    private static final Logger LOG = LoggerFactory.getLogger(ControlStreamObserver.class);
    /** The default bound of one state blob (or HASH_DATA body) the observer buffers. */
    public static final int MAX_BLOB = 16 * 1024 * 1024;
    private static final int MAX_PADDING = 8;

    private final Map<StateBlobType, byte[]> fetched = new EnumMap<>(StateBlobType.class);
    private final Map<StateBlobType, byte[]> loaded = new EnumMap<>(StateBlobType.class);
    private ByteBuffer request = ByteBuffer.allocate(64);
    private ByteBuffer response = ByteBuffer.allocate(64);
    private ControlCommand pending;
    private int pendingBlobType;
    private boolean inSync = true;
    private long commands;
    private long blobsFetched;
    private long blobsLoaded;
    private final int maxBlob;

    public ControlStreamObserver() {
        this(MAX_BLOB);
    }

    /**
     * {@code maxBlob}: a larger state blob or HASH_DATA body is not buffered; observation stops instead
     * (the relay goes on). A service relaying many channels in a small heap sets it well below the default.
     */
    public ControlStreamObserver(int maxBlob) {
        if (maxBlob <= 0) {
            throw new IllegalArgumentException("maxBlob must be positive: " + maxBlob);
        }
        this.maxBlob = maxBlob;
    }

    /** Bytes QEMU sent towards swtpm. */
    public synchronized void fromClient(byte[] data, int length) {
        if (!inSync) {
            return;
        }
        if (pending != null) {
            desync("QEMU sent data before swtpm answered " + pending);
            return;
        }
        request = append(request, data, length);
        ControlCommand command = completeRequest();
        if (command != null) {
            pending = command;
        }
    }

    /** Bytes swtpm sent back to QEMU. */
    public synchronized void fromServer(byte[] data, int length) {
        if (!inSync) {
            return;
        }
        if (pending == null) {
            desync("swtpm sent data without a request");
            return;
        }
        response = append(response, data, length);
        if (completeResponse()) {
            pending = null;
            commands++;
        }
    }

    /** The complete request, once it has arrived; consumes it. */
    private ControlCommand completeRequest() {
        if (request.position() < 4) {
            return null;
        }
        int code = request.getInt(0);
        ControlCommand command = ControlCommand.of(code).orElse(null);
        if (command == null) {
            desync("unknown control command " + code);
            return null;
        }
        int needed;
        if (command == ControlCommand.SET_STATEBLOB) {
            if (request.position() < 16) {
                return null;
            }
            long blobLength = request.getInt(12) & 0xffffffffL;
            if (blobLength > maxBlob) {
                desync("SET_STATEBLOB of " + blobLength + " bytes");
                return null;
            }
            needed = 16 + (int) blobLength;
        } else if (command == ControlCommand.HASH_DATA) {
            if (request.position() < 8) {
                return null;
            }
            long dataLength = request.getInt(4) & 0xffffffffL;
            if (dataLength > maxBlob) {
                desync("HASH_DATA of " + dataLength + " bytes");
                return null;
            }
            needed = 8 + (int) dataLength;
        } else {
            needed = 4 + command.requestBodyLength();
        }
        if (request.position() < needed) {
            return null;
        }
        boolean carriesState = command == ControlCommand.SET_STATEBLOB || command == ControlCommand.GET_STATEBLOB;
        // QEMU sends the whole request union (e.g. 4 bytes for SET_LOCALITY's 1-byte locality)
        if (request.position() > needed && (carriesState || request.position() > needed + MAX_PADDING)) {
            desync("more request bytes than " + command + " carries");
            return null;
        }
        if (command == ControlCommand.SET_STATEBLOB) {
            int type = request.getInt(8);
            byte[] blob = new byte[needed - 16];
            request.get(16, blob);
            StateBlobType.of(type).ifPresent(known -> {
                loaded.put(known, blob);
                blobsLoaded++;
            });
        } else if (command == ControlCommand.GET_STATEBLOB) {
            pendingBlobType = request.getInt(8);
        }
        request.clear();
        return command;
    }

    /** True once the response to {@link #pending} is complete; consumes it. */
    private boolean completeResponse() {
        int needed = switch (pending) {
            case GET_CAPABILITY, GET_TPMESTABLISHED, GET_CONFIG -> 8;
            case SET_BUFFERSIZE -> 16;
            case GET_STATEBLOB -> {
                if (response.position() < 16) {
                    yield Integer.MAX_VALUE;
                }
                int result = response.getInt(0);
                long length = response.getInt(12) & 0xffffffffL;
                if (length > maxBlob) {
                    desync("GET_STATEBLOB answer of " + length + " bytes");
                    yield Integer.MAX_VALUE;
                }
                yield result == 0 ? 16 + (int) length : 16;
            }
            case GET_INFO -> response.position() < 12 ? Integer.MAX_VALUE : 12 + response.getInt(8);
            default -> 4;
        };
        if (!inSync || response.position() < needed) {
            return false;
        }
        if (response.position() > needed) {
            desync("more response bytes than " + pending + " carries");
            return false;
        }
        if (pending == ControlCommand.GET_STATEBLOB && response.getInt(0) == 0) {
            byte[] blob = new byte[needed - 16];
            response.get(16, blob);
            StateBlobType.of(pendingBlobType).ifPresent(type -> {
                fetched.put(type, blob);
                blobsFetched++;
            });
        }
        response.clear();
        return true;
    }

    /** Blobs QEMU fetched from swtpm (the state that left, at a migration source). */
    public synchronized Map<StateBlobType, byte[]> fetchedBlobs() {
        return copy(fetched);
    }

    /** Blobs QEMU loaded into swtpm (the state that arrived, at a migration destination). */
    public synchronized Map<StateBlobType, byte[]> loadedBlobs() {
        return copy(loaded);
    }

    public synchronized boolean inSync() {
        return inSync;
    }

    public synchronized long commandsSeen() {
        return commands;
    }

    /** How many GET_STATEBLOB answers of a known type have completed (a change means a blob just left). */
    public synchronized long blobsFetched() {
        return blobsFetched;
    }

    /** How many SET_STATEBLOB requests of a known type have completed (a change means a blob just arrived). */
    public synchronized long blobsLoaded() {
        return blobsLoaded;
    }

    private void desync(String why) {
        inSync = false;
        LOG.warn("control channel observation stopped: {}; no state digest will be claimed", why);
    }

    private static Map<StateBlobType, byte[]> copy(Map<StateBlobType, byte[]> blobs) {
        Map<StateBlobType, byte[]> copy = new EnumMap<>(StateBlobType.class);
        blobs.forEach((type, blob) -> copy.put(type, blob.clone()));
        return copy;
    }

    private static ByteBuffer append(ByteBuffer buffer, byte[] data, int length) {
        if (buffer.remaining() < length) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + length));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
        return buffer.put(data, 0, length);
    }
}
