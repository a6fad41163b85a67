package org.vtpcm.collector.swtpm;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Runs one control-channel interposer as its own process, so that it shares the fate of the TPM
 * engine it fronts rather than that of the manager: {@code --listen P --target T --report F
 * [--suite sm|nist]}. It writes what it observed (state digests, blob sizes) to the report file
 * whenever that changes, and exits when QEMU's connection ends (as swtpm does with --terminate).
 */
public final class InterposerMain {
    private InterposerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path listen = null;
        Path target = null;
        Path report = null;
        SuiteName suite = SuiteName.SM;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--listen" -> listen = Path.of(args[i + 1]);
                case "--target" -> target = Path.of(args[i + 1]);
                case "--report" -> report = Path.of(args[i + 1]);
                case "--suite" -> suite = SuiteName.parse(args[i + 1]);
                default -> {
                    System.err.println("interposer: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (listen == null || target == null || report == null) {
            System.err.println("usage: InterposerMain --listen SOCKET --target SWTPM_CTRL_SOCKET --report FILE [--suite sm|nist]");
            System.exit(2);
        }
        CryptoSuite crypto = CryptoSuites.of(suite);
        try (ControlChannelInterposer interposer = ControlChannelInterposer.start(listen, target)) {
            System.out.println("interposer: ready on " + listen);
            long written = -1;
            while (interposer.connectionsEnded() == 0) {
                ControlStreamObserver observer = interposer.observer();
                long seen = observer.commandsSeen();
                if (seen != written) {
                    write(report, crypto, observer);
                    written = seen;
                }
                Thread.sleep(20);
            }
            write(report, crypto, interposer.observer());
        }
    }

    private static void write(Path report, CryptoSuite suite, ControlStreamObserver observer) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("in_sync", Boolean.toString(observer.inSync()));
        properties.setProperty("commands", Long.toString(observer.commandsSeen()));
        describe(properties, "fetched", suite, observer.fetchedBlobs());
        describe(properties, "loaded", suite, observer.loadedBlobs());
        Path temporary = report.resolveSibling(report.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(writer, "vtpcm control-channel interposer report");
        }
        Files.move(temporary, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void describe(Properties properties, String prefix, CryptoSuite suite, Map<StateBlobType, byte[]> blobs) {
        properties.setProperty(prefix + ".types", String.join(",", blobs.keySet().stream().map(Enum::name).toList()));
        StringBuilder sizes = new StringBuilder();
        blobs.forEach((type, blob) -> sizes.append(sizes.length() == 0 ? "" : ",").append(type).append('=').append(blob.length));
        properties.setProperty(prefix + ".sizes", sizes.toString());
        properties.setProperty(prefix + ".digest", StateBlobDigest.of(suite, blobs).hex());
    }
}
