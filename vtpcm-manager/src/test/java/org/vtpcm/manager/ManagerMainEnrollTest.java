package org.vtpcm.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtpcm.protocol.pki.CloudCa;
import picocli.CommandLine;

/** {@code vtpcm-manager enroll}: which options go together, found before the TPM is touched (exit 2, one line). */
class ManagerMainEnrollTest {
    private static final String TOKEN = "vtpcm1.0a1b2c3d4e5f." + "T".repeat(43);

    @TempDir
    Path folder;
    private Path config;
    private Path caCertificate;

    record Run(int exit, String err) {
    }

    @BeforeEach
    void write() throws Exception {
        config = folder.resolve("manager.conf");
        // opening the platform TPM starts a swtpm with its state under state.dir: the folder shows whether it was touched
        Files.writeString(config, "node.name = vtpcm-n1\nstate.dir = " + folder.resolve("state") + "\nrun.dir = " + folder.resolve("run")
                + "\n");
        caCertificate = folder.resolve("ca").resolve(CloudCa.CERTIFICATE_FILE);
        CloudCa.create("cloud CA", folder.resolve("ca"));
    }

    private Run enroll(String... options) {
        List<String> args = new ArrayList<>(List.of("enroll", "--config", config.toString()));
        args.addAll(List.of(options));
        StringWriter err = new StringWriter();
        CommandLine commandLine = ManagerMain.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args.toArray(String[]::new));
        return new Run(exit, err.toString());
    }

    @Test
    void optionsThatDoNotGoTogetherAreUsageErrors() {
        String engine = "https://127.0.0.1:9441";
        String fingerprint = "sha256:" + "ab".repeat(32);
        List<String[]> cases = List.of(
                new String[] {},
                new String[] {"--engine", engine, "--ca-cert", caCertificate.toString()},
                new String[] {"--engine", engine, "--token", TOKEN},
                new String[] {"--engine", engine, "--token", TOKEN, "--token-file", config.toString(), "--ca-cert", caCertificate.toString()},
                new String[] {"--engine", engine, "--token", TOKEN, "--ca-cert", caCertificate.toString(), "--ca-fingerprint", fingerprint},
                new String[] {"--engine", "http://127.0.0.1:9441", "--token", TOKEN, "--ca-fingerprint", fingerprint},
                new String[] {"--engine", engine, "--token", "not a token", "--ca-fingerprint", fingerprint},
                new String[] {"--engine", engine, "--token", TOKEN, "--ca-fingerprint", "sha1:abc"},
                new String[] {"--engine", engine, "--token-file", folder.resolve("missing").toString(), "--ca-fingerprint", fingerprint},
                new String[] {"--engine", engine, "--token", TOKEN, "--ca-cert", folder.resolve("missing.crt").toString()},
                new String[] {"--engine", engine, "--token", TOKEN, "--ca-cert", config.toString()},
                new String[] {"--ca-dir", folder.resolve("ca").toString(), "--token", TOKEN},
                new String[] {"--ca-dir", folder.resolve("ca").toString(), "--engine", engine});
        for (String[] options : cases) {
            Run run = enroll(options);
            assertEquals(2, run.exit(), String.join(" ", options) + ": " + run.err());
            assertTrue(run.err().startsWith("vtpcm-manager: error: "), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertFalse(run.err().contains("T".repeat(43)), "the token is never printed");
        }
        assertFalse(Files.exists(folder.resolve("state")), "the TPM was never touched");
    }

    @Test
    void aTokenFileIsReadAndAnUnreachableEngineIsSaidSo() throws Exception {
        Path tokenFile = folder.resolve("token");
        Files.writeString(tokenFile, "\n" + TOKEN + "\n");
        // the options are fine, the platform TPM starts; nothing listens on the engine's port: no usage error, exit 1
        Run run = enroll("--engine", "https://127.0.0.1:9", "--token-file", tokenFile.toString(), "--ca-cert", caCertificate.toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals("vtpcm-manager: error: cannot reach the engine's enrollment endpoint at https://127.0.0.1:9: connection refused "
                + "(is enrollment.port set in the engine's configuration, and is this its address?)\n", run.err());
        assertFalse(run.err().contains("T".repeat(43)), run.err());
    }
}
