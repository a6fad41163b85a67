package org.vtpcm.attestation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * TSS.Java transport to a Linux TPM character device such as /dev/tpmrm0: one write per command,
 * one read returns the whole response (the kernel's resource manager does the framing).
 */
final class CharDeviceTpmDevice extends ResponseHoldingTpmDevice {
    private static final int MAX_RESPONSE_BYTES = 8192;

    private final FileChannel channel;
    private final Path path;

    private CharDeviceTpmDevice(FileChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
    }

    static CharDeviceTpmDevice open(Path path) throws IOException {
        return new CharDeviceTpmDevice(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), path);
    }

    @Override
    public boolean connect() {
        return channel.isOpen();
    }

    @Override
    public void dispatchCommand(byte[] command) {
        try {
            ByteBuffer out = ByteBuffer.wrap(command);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(MAX_RESPONSE_BYTES);
            int read = channel.read(in);
            if (read < 10) {
                throw new IOException("short TPM response (" + read + " bytes)");
            }
            hold(Arrays.copyOf(in.array(), read));
        } catch (IOException e) {
            throw new PlatformTpmException("device TPM at " + path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
