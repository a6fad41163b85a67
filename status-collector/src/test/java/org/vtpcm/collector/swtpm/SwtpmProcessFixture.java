package org.vtpcm.collector.swtpm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real swtpm TPM 2.0 process for tests; always stopped by close(). */
public final class SwtpmProcessFixture implements AutoCloseable {
    private final Process process;
    public final Path controlSocket;
    public final Path dataSocket;

    SwtpmProcessFixture(Path folder, boolean withDataServer) throws IOException, InterruptedException {
        this(folder, withDataServer, false);
    }

    /**
     * {@code terminate}: swtpm exits when its control connection ends, as the manager runs it behind
     * the interposer ({@code --terminate}); then there is no data server, QEMU passes the data channel.
     */
    public SwtpmProcessFixture(Path folder, boolean withDataServer, boolean terminate) throws IOException, InterruptedException {
        Path state = Files.createDirectories(folder.resolve("state"));
        controlSocket = folder.resolve("swtpm.ctrl");
        dataSocket = folder.resolve("swtpm.data");
        List<String> command = new ArrayList<>(List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state.toAbsolutePath(),
                "--ctrl", "type=unixio,path=" + controlSocket.toAbsolutePath(), "--log", "file=" + folder.resolve("swtpm.log") + ",level=1"));
        if (withDataServer) {
            command.addAll(List.of("--server", "type=unixio,path=" + dataSocket.toAbsolutePath()));
        }
        if (terminate) {
            command.add("--terminate");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(folder.resolve("swtpm.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(controlSocket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("swtpm did not start: " + Files.readString(folder.resolve("swtpm.out")));
            }
            Thread.sleep(10);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code seconds} for swtpm to exit by itself (with --terminate, once its control connection ends). */
    public boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
