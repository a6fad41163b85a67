package org.vtpcm.collector.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.collector.bundle.BundleCodec;
import org.vtpcm.collector.bundle.Expectation;
import org.vtpcm.collector.bundle.StateBundle;
import org.vtpcm.collector.store.RetentionPolicy;
import org.vtpcm.collector.store.Snapshot;
import org.vtpcm.collector.store.SnapshotId;
import org.vtpcm.collector.store.SnapshotKind;
import org.vtpcm.collector.store.SnapshotStore;
import org.vtpcm.collector.interposer.InterposerClient;
import org.vtpcm.collector.interposer.NodeInterposer;
import org.vtpcm.collector.swtpm.ControlCommand;
import org.vtpcm.collector.swtpm.QemuLikeClient;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.protocol.crypto.CryptoSuites;
import org.vtpcm.protocol.crypto.SuiteName;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.tls.MutualTls;

/**
 * Benchmark of the status collector: (1) a realistic state bundle built, signed, encrypted, sent
 * over mutual TLS on loopback, verified and staged in the snapshot store, per phase; (2) what the
 * node interposer adds: control commands and TPM commands against one real swtpm, with and
 * without the node interposer in front, alternated. Writes docs/benchmarks/collector.json and .md.
 */
public final class CollectorBench {
    private static final byte[] TPM2_GET_RANDOM_16 = java.util.HexFormat.of().parseHex("80010000000c0000017b0010");

    private CollectorBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs/benchmarks");
        int rounds = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: CollectorBench [--rounds N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (rounds < 20 || rounds > 100000) {
            System.err.println("--rounds must be 20..100000");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("vtpcm-collector-bench");
        try {
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("date", Instant.now().toString());
            results.put("commit", System.getenv().getOrDefault("VTPCM_COMMIT", "unknown"));
            results.put("cores", Runtime.getRuntime().availableProcessors());
            results.put("command", "bin/bench collector --rounds " + rounds);
            for (SuiteName suite : SuiteName.values()) {
                results.put("bundle_" + suite.name().toLowerCase(Locale.ROOT), bundlePhases(CryptoSuites.of(suite), work, rounds));
            }
            results.put("interposer", interposer(work, rounds * 10));
            write(out, results);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Per-phase timings of a realistic bundle: 500 log entries, 50 reference values. */
    private static Map<String, Object> bundlePhases(CryptoSuite suite, Path work, int rounds) throws Exception {
        KeyPair source = suite.generateSigningKeyPair();
        KeyPair identity = suite.generateSigningKeyPair();
        CloudCa ca = CloudCa.create("bench CA " + suite.name(), work.resolve("ca-" + suite.name()));
        SSLContext serverTls = MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "dest", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1), true, true));
        SSLContext clientTls = MutualTls.context(ca.issueTlsIdentity(Role.NODE_MANAGER, "source", List.of(), List.of(), Duration.ofDays(1), false, true));
        byte[] storeKey = suite.newSymmetricKey();
        SnapshotStore store = new SnapshotStore(work.resolve("store-" + suite.name()), suite, storeKey, Clock.systemUTC(),
                RetentionPolicy.defaults());
        BundleCodec codec = new BundleCodec(suite);
        long[] build = new long[rounds];
        long[] seal = new long[rounds];
        long[] send = new long[rounds];
        long[] open = new long[rounds];
        long[] stage = new long[rounds];
        int size = 0;
        try (SSLServerSocket server = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            server.setSSLParameters(MutualTls.serverParameters());
            Thread receiver = new Thread(() -> receive(server, rounds + 20), "bench-receiver");
            receiver.setDaemon(true);
            receiver.start();
            try (SSLSocket client = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
                client.setTcpNoDelay(true); // a request/acknowledge exchange must not wait for delayed ACKs
                client.startHandshake();
                DataOutputStream output = new DataOutputStream(client.getOutputStream());
                DataInputStream input = new DataInputStream(client.getInputStream());
                int warmup = 20;
                for (int iteration = -warmup; iteration < rounds; iteration++) {
                    int round = Math.max(iteration, 0); // warm-up rounds are overwritten by round 0
                    long t0 = System.nanoTime();
                    KeyPair ephemeral = suite.generateSigningKeyPair();
                    UUID migration = UUID.randomUUID();
                    byte[] nonce = new byte[32];
                    new SecureRandom().nextBytes(nonce);
                    UUID vtpcm = UUID.randomUUID();
                    StateBundle bundle = realisticBundle(suite, migration, nonce, vtpcm, identity);
                    long t1 = System.nanoTime();
                    byte[] sealed = codec.seal(bundle, source.getPrivate(), source.getPublic(), ephemeral.getPublic());
                    long t2 = System.nanoTime();
                    output.writeInt(sealed.length);
                    output.write(sealed);
                    output.flush();
                    input.readInt(); // the receiver's acknowledgement: the bytes crossed TLS both ways
                    long t3 = System.nanoTime();
                    StateBundle opened = codec.open(sealed, ephemeral.getPrivate(), ephemeral.getPublic(), source.getPublic(),
                            new Expectation(migration, nonce, vtpcm, 1, "vtpcm-n2"));
                    long t4 = System.nanoTime();
                    store.write(new Snapshot(new SnapshotId(vtpcm, SnapshotKind.STAGED, opened.epoch()), migration, Instant.now(), sealed));
                    long t5 = System.nanoTime();
                    build[round] = t1 - t0;
                    seal[round] = t2 - t1;
                    send[round] = t3 - t2;
                    open[round] = t4 - t3;
                    stage[round] = t5 - t4;
                    size = sealed.length;
                }
            }
        }
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("rounds", rounds);
        phases.put("bundle_bytes", size);
        phases.put("build_ms", Stats.of(build, 1e6));
        phases.put("sign_encrypt_ms", Stats.of(seal, 1e6));
        phases.put("send_mtls_loopback_ms", Stats.of(send, 1e6));
        phases.put("decrypt_verify_parse_ms", Stats.of(open, 1e6));
        phases.put("stage_fsync_ms", Stats.of(stage, 1e6));
        long[] total = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            total[i] = build[i] + seal[i] + send[i] + open[i] + stage[i];
        }
        phases.put("total_ms", Stats.of(total, 1e6));
        System.out.printf("bundle (%s, %d bytes, %d rounds): total median %.2f ms p95 %.2f ms (build %.2f, sign+encrypt %.2f, send %.2f, "
                + "verify %.2f, stage %.2f)%n", suite.name(), size, rounds, Stats.of(total, 1e6).median(), Stats.of(total, 1e6).p95(),
                Stats.of(build, 1e6).median(), Stats.of(seal, 1e6).median(), Stats.of(send, 1e6).median(), Stats.of(open, 1e6).median(),
                Stats.of(stage, 1e6).median());
        return phases;
    }

    private static void receive(SSLServerSocket server, int rounds) {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
            socket.setTcpNoDelay(true);
            DataInputStream input = new DataInputStream(socket.getInputStream());
            DataOutputStream output = new DataOutputStream(socket.getOutputStream());
            for (int i = 0; i < rounds; i++) {
                int length = input.readInt();
                if (length < 0 || length > BundleCodec.MAX_BUNDLE_BYTES) {
                    return;
                }
                input.readFully(new byte[length]);
                output.writeInt(length);
                output.flush();
            }
        } catch (IOException e) {
            System.err.println("receiver: " + e.getMessage());
        }
    }

    private static StateBundle realisticBundle(CryptoSuite suite, UUID migration, byte[] nonce, UUID vtpcm, KeyPair identity) {
        List<StateBundle.Entry> log = new ArrayList<>();
        String hash = "00".repeat(32);
        for (int i = 1; i <= 500; i++) {
            String next = java.util.HexFormat.of().formatHex(suite.digest((hash + i).getBytes()));
            log.add(new StateBundle.Entry(i, Instant.now().toString(), "measure:kernel", "/var/lib/images/vmlinuz-" + i,
                    next, "trusted", "", hash, next, "30" + "ab".repeat(70)));
            hash = next;
        }
        List<String> references = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            references.add(java.util.HexFormat.of().formatHex(suite.digest(new byte[] {(byte) i})));
        }
        return new StateBundle(StateBundle.FORMAT_VERSION, migration, nonce, vtpcm, UUID.randomUUID(), "bench-vm", 1, "vtpcm-n1",
                "vtpcm-n2", suite.name(), suite.encodePrivateKey(identity.getPrivate()), suite.encodePublicKey(identity.getPublic()),
                "deny", log, references, Instant.now());
    }

    /**
     * Control and TPM command latency against one swtpm, direct and through the node interposer (in
     * process, its one event-loop thread relaying), alternated.
     */
    private static Map<String, Object> interposer(Path work, int rounds) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        Process swtpmDirect = swtpm(work.resolve("direct"));
        Process swtpmBehind = swtpm(work.resolve("behind"));
        Path behind = work.resolve("behind");
        try (NodeInterposer node = NodeInterposer.start(behind.resolve("interposer.sock"), behind, CryptoSuites.of(SuiteName.SM))) {
            new InterposerClient(node.adminSocket()).serve(UUID.randomUUID(), behind.resolve("front.ctrl"), behind.resolve("swtpm.ctrl"));
            measureInterposer(work, rounds, result);
        } finally {
            swtpmDirect.destroy();
            swtpmBehind.destroy();
            swtpmDirect.waitFor(5, TimeUnit.SECONDS);
            swtpmBehind.waitFor(5, TimeUnit.SECONDS);
        }
        return result;
    }

    private static void measureInterposer(Path work, int rounds, Map<String, Object> result) {
        try (QemuLikeClient direct = QemuLikeClient.connect(work.resolve("direct").resolve("swtpm.ctrl"));
                QemuLikeClient interposed = QemuLikeClient.connect(work.resolve("behind").resolve("front.ctrl"))) {
            long[] controlDirect = new long[rounds];
            long[] controlInterposed = new long[rounds];
            long[] tpmDirect = new long[rounds];
            long[] tpmInterposed = new long[rounds];
            for (int i = 0; i < 200; i++) { // warm-up, both paths
                direct.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1);
                interposed.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1);
                direct.tpmCommand(TPM2_GET_RANDOM_16);
                interposed.tpmCommand(TPM2_GET_RANDOM_16);
            }
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                direct.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1);
                long t1 = System.nanoTime();
                interposed.controlCommand(ControlCommand.GET_CONFIG, new byte[0], 8, -1);
                long t2 = System.nanoTime();
                direct.tpmCommand(TPM2_GET_RANDOM_16);
                long t3 = System.nanoTime();
                interposed.tpmCommand(TPM2_GET_RANDOM_16);
                long t4 = System.nanoTime();
                controlDirect[i] = t1 - t0;
                controlInterposed[i] = t2 - t1;
                tpmDirect[i] = t3 - t2;
                tpmInterposed[i] = t4 - t3;
            }
            result.put("rounds", rounds);
            result.put("control_command_direct_us", Stats.of(controlDirect, 1e3));
            result.put("control_command_interposed_us", Stats.of(controlInterposed, 1e3));
            result.put("tpm_command_direct_us", Stats.of(tpmDirect, 1e3));
            result.put("tpm_command_with_interposer_us", Stats.of(tpmInterposed, 1e3));
            double added = Stats.of(controlInterposed, 1e3).median() - Stats.of(controlDirect, 1e3).median();
            double addedTpm = Stats.of(tpmInterposed, 1e3).median() - Stats.of(tpmDirect, 1e3).median();
            result.put("control_command_added_us_median", added);
            result.put("tpm_command_added_us_median", addedTpm);
            System.out.printf("interposer (%d alternating rounds): control command %.1f us direct vs %.1f us interposed (+%.1f us); "
                    + "TPM command (GetRandom) %.1f us vs %.1f us with the interposer in front (%+.1f us: the data channel bypasses it)%n",
                    rounds, Stats.of(controlDirect, 1e3).median(), Stats.of(controlInterposed, 1e3).median(), added,
                    Stats.of(tpmDirect, 1e3).median(), Stats.of(tpmInterposed, 1e3).median(), addedTpm);
        }
    }

    private static Process swtpm(Path folder) throws Exception {
        Files.createDirectories(folder.resolve("state"));
        Process process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + folder.resolve("state").toAbsolutePath(),
                "--ctrl", "type=unixio,path=" + folder.resolve("swtpm.ctrl").toAbsolutePath()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("swtpm.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(folder.resolve("swtpm.ctrl"))) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("swtpm did not start in " + folder);
            }
            Thread.sleep(10);
        }
        return process;
    }

    private static void write(Path out, Map<String, Object> results) throws IOException {
        Files.createDirectories(out);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results);
        Files.writeString(out.resolve("collector.json"), json + "\n");
        StringBuilder md = new StringBuilder("# Status collector benchmark\n\n");
        md.append("Produced by `").append(results.get("command")).append("` on ").append(results.get("date")).append(", ")
                .append(results.get("cores")).append(" cores, commit ").append(results.get("commit")).append(".\n\n");
        md.append("Definitions: phases are timed with System.nanoTime per round; *send* is the sealed bundle written over an "
                + "established mutual-TLS 1.3 connection on loopback until the receiver's 4-byte acknowledgement returns; *stage* "
                + "is an encrypted, fsynced, atomically renamed snapshot write. Interposer: one real swtpm each, commands alternated "
                + "direct / through the node interposer (in process, one event-loop thread) in the same loop.\n\n");
        md.append("```json\n").append(json).append("\n```\n");
        Files.writeString(out.resolve("collector.md"), md.toString());
        System.out.println("written: " + out.resolve("collector.json"));
    }
}
