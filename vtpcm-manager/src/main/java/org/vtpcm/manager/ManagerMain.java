package org.vtpcm.manager;

import com.google.inject.Guice;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.vtpcm.attestation.PlatformTpm;
import org.vtpcm.manager.config.ManagerConfig;
import org.vtpcm.manager.node.CaPin;
import org.vtpcm.manager.node.EngineEnrollment;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.manager.node.EnrollmentChannel;
import org.vtpcm.manager.node.LocalEnrollment;
import org.vtpcm.manager.node.NodeEnrollment;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.service.cli.ClientIdentityOptions;
import org.vtpcm.protocol.pki.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vtpcm-manager}: the per-node vTPCM daemon and its set-up commands. */
@Command(name = "vtpcm-manager", mixinStandardHelpOptions = true, version = "vtpcm-manager 0.1.0",
        description = "Per-node vTPCM manager: swtpm engines, TPCM layer, association list, node attestation, REST API.",
        subcommands = {ManagerMain.Run.class, ManagerMain.Enroll.class, ManagerMain.Config.class, ManagerMain.CaInit.class,
            ManagerMain.CaIssueClient.class})
public final class ManagerMain {
    /** Exit status for bad usage or configuration. */
    static final int USAGE = 2;

    public static void main(String[] args) {
        // the daemon's own logging config, unless the operator names one (a plain logback.xml would clash with embedders')
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "vtpcm-manager-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ManagerMain());
        // one clear line instead of a stack trace, whatever fails
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            line.getErr().println("vtpcm-manager: error: " + exception.getMessage());
            return exception instanceof org.vtpcm.service.config.ConfigException || exception instanceof IllegalArgumentException
                    ? USAGE : 1;
        });
        return commandLine;
    }

    @Command(name = "run", description = "Run the manager daemon until SIGTERM.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "config file")
        Path config;

        @Override
        public Integer call() throws Exception {
            ManagerConfig settings = ManagerConfig.load(config);
            if (!Files.isRegularFile(settings.tlsDirectory().resolve("node.crt"))) {
                throw new IllegalStateException("node " + settings.nodeName() + " is not enrolled (no " + settings.tlsDirectory()
                        .resolve("node.crt") + "); run: vtpcm-manager enroll --config " + config
                        + " --engine https://ENGINE:PORT --token TOKEN --ca-cert CA.crt (or --ca-dir <CA folder>)");
            }
            ManagerDaemon daemon = Guice.createInjector(new ManagerModule(settings)).getInstance(ManagerDaemon.class);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                daemon.close();
                stopped.countDown();
            }, "shutdown"));
            daemon.start();
            System.out.println("vtpcm-manager: ready");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "enroll", description = "Enroll this node with the cloud CA: prove its TPM (MakeCredential/ActivateCredential), "
            + "receive its AK certificate and the certificates of its own TLS keys. Through the engine: --engine, --token or "
            + "--token-file, and --ca-cert or --ca-fingerprint; or with the CA folder in reach: --ca-dir.")
    static final class Enroll implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "config file")
        Path config;

        @Option(names = "--engine", paramLabel = "URL", description = "the engine's enrollment endpoint, https://HOST:PORT (enrollment.port)")
        URI engine;

        @Option(names = "--token", paramLabel = "TOKEN", description = "the one-time enrollment token (`vtpcm nodes token NODE`)")
        String token;

        @Option(names = "--token-file", paramLabel = "FILE", description = "a file whose first line is the token (keeps it out of ps)")
        Path tokenFile;

        @Option(names = "--ca-cert", paramLabel = "FILE", description = "the cloud CA's certificate (PEM), to authenticate the engine")
        Path caCertificate;

        @Option(names = "--ca-fingerprint", paramLabel = "sha256:HEX", description = "the SHA-256 fingerprint of the cloud CA's "
                + "certificate, to authenticate the engine")
        String caFingerprint;

        @Option(names = "--ca-dir", paramLabel = "DIR", description = "the cloud CA's folder, when it is in reach (labs)")
        Path caDirectory;

        @Option(names = "--ip", description = "IP addresses to put in the TLS certificates (default: api.address)")
        List<String> ips;

        @Override
        public Integer call() {
            ManagerConfig settings = ManagerConfig.load(config);
            EnrollmentChannel channel = channel();
            try (PlatformTpm tpm = ManagerModule.openPlatformTpm(settings)) {
                NodeEnrollment.enroll(settings.nodeName(), ips == null ? List.of(settings.apiAddress()) : ips, tpm, channel,
                        settings.tlsDirectory(), settings.qemuTlsDirectory());
                System.out.println("vtpcm-manager: node " + settings.nodeName() + " enrolled (" + tpm.description() + ")");
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return 0;
        }

        /** The way to the CA the options name; every mistake in them is found before the TPM is touched. */
        private EnrollmentChannel channel() {
            boolean engineOptions = token != null || tokenFile != null || caCertificate != null || caFingerprint != null;
            if (caDirectory != null) {
                if (engine != null || engineOptions) {
                    throw new IllegalArgumentException("--ca-dir enrolls without the engine: leave out --engine, --token, --token-file, "
                            + "--ca-cert and --ca-fingerprint");
                }
                return new LocalEnrollment(new EnrollmentAuthority(CloudCa.load(caDirectory), caDirectory));
            }
            if (engine == null) {
                throw new IllegalArgumentException("say where the CA is: --engine https://HOST:PORT --token T --ca-cert FILE "
                        + "(or --ca-fingerprint sha256:HEX), or --ca-dir DIR");
            }
            if ((token == null) == (tokenFile == null)) {
                throw new IllegalArgumentException("--engine needs exactly one of --token and --token-file");
            }
            if ((caCertificate == null) == (caFingerprint == null)) {
                throw new IllegalArgumentException("--engine needs exactly one of --ca-cert and --ca-fingerprint, to authenticate the engine");
            }
            CaPin pin = caCertificate != null ? CaPin.certificate(readCertificate(caCertificate)) : CaPin.fingerprint(caFingerprint);
            return new EngineEnrollment(engine, token != null ? token : readToken(tokenFile), pin);
        }

        private static java.security.cert.X509Certificate readCertificate(Path file) {
            try {
                return Pem.readCertificate(file);
            } catch (java.io.UncheckedIOException e) {
                throw new IllegalArgumentException("cannot read --ca-cert " + file + ": " + e.getCause().getMessage());
            }
        }

        private static String readToken(Path file) {
            try {
                return Files.readAllLines(file).stream().map(String::trim).filter(line -> !line.isEmpty()).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("--token-file " + file + " is empty"));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "config", description = "Print every configuration key with its default and meaning.")
    static final class Config implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(ManagerConfig.KEYS.describe());
            return 0;
        }
    }

    @Command(name = "ca-init", description = "Create the cloud CA in a folder (the migration engine hosts it; this is for labs).")
    static final class CaInit implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "CA folder")
        Path directory;

        @Option(names = "--name", defaultValue = "vtpcm cloud CA", description = "CA common name")
        String name;

        @Override
        public Integer call() {
            CloudCa.create(name, directory);
            System.out.println("vtpcm-manager: CA created in " + directory);
            return 0;
        }
    }

    @Command(name = "ca-issue-client", description = "Issue a client certificate (operator or service) from the cloud CA.")
    static final class CaIssueClient implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "CA folder")
        Path directory;

        @Mixin
        ClientIdentityOptions client;

        @Override
        public Integer call() {
            client.issue(CloudCa.load(directory)).writePem(client.out(), client.name());
            System.out.println("vtpcm-manager: client identity " + client.name() + " written to " + client.out());
            return 0;
        }
    }
}
