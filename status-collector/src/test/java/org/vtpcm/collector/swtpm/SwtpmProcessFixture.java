package org.vtpcm.collector.swtpm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real swtpm TPM 2.0 process for tests; always stopped by close(). */
final class SwtpmProcessFixture implements AutoCloseable {
    private final Process process;
    final Path controlSocket;
    final Path dataSocket;

    SwtpmProcessFixture(Path folder, boolean withDataServer) throws IOException, InterruptedException {
        Path state = Files.createDirectories(folder.resolve("state"));
        controlSocket = folder.resolve("swtpm.ctrl");
        dataSocket = folder.resolve("swtpm.data");
        List<String> command = new ArrayList<>(List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state.toAbsolutePath(),
                "--ctrl", "type=unixio,path=" + controlSocket.toAbsolutePath(), "--log", "file=" + folder.resolve("swtpm.log") + ",level=1"));
        if (withDataServer) {
            command.addAll(List.of("--server", "type=unixio,path=" + dataSocket.toAbsolutePath()));
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
