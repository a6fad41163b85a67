package org.vtpcm.engine;

import com.google.inject.Guice;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.vtpcm.engine.certificates.CertificateRegistry;
import org.vtpcm.engine.config.EngineConfig;
import org.vtpcm.engine.journal.EngineSchema;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.store.StoreException;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.service.cli.ClientIdentityOptions;
import org.vtpcm.protocol.pki.IssuedIdentity;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.service.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vtpcm-engine}: the migration engine daemon (controller) and its set-up commands. */
@Command(name = "vtpcm-engine", mixinStandardHelpOptions = true, version = "vtpcm-engine 0.1.0",
        description = "Migration engine: the synchronized VM + vTPCM live-migration protocol, its journal, the cloud CA, REST API.",
        subcommands = {EngineMain.Run.class, EngineMain.Config.class, EngineMain.IssueClient.class})
public final class EngineMain {
    static final int USAGE = 2;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "vtpcm-engine-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new EngineMain());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            line.getErr().println("vtpcm-engine: error: " + exception.getMessage());
            return exception instanceof ConfigException || exception instanceof IllegalArgumentException ? USAGE : 1;
        });
        return commandLine;
    }

    @Command(name = "run", description = "Run the engine until SIGTERM; unfinished migrations are resumed or rolled back first.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "config file")
        Path config;

        @Override
        public Integer call() throws Exception {
            EngineConfig settings = EngineConfig.load(config);
            EngineDaemon daemon = Guice.createInjector(new EngineModule(settings)).getInstance(EngineDaemon.class);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                daemon.close();
                stopped.countDown();
            }, "shutdown"));
            daemon.start();
            System.out.println("vtpcm-engine: ready");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "config", description = "Print every configuration key with its default and meaning.")
    static final class Config implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(EngineConfig.describe());
            return 0;
        }
    }

    @Command(name = "issue-client", description = "Issue an operator or service client identity from the engine's cloud CA.")
    static final class IssueClient implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "config file (names the CA folder)")
        Path config;

        @Mixin
        ClientIdentityOptions client;

        @Override
        public Integer call() {
            EngineConfig settings = EngineConfig.load(config);
            String name = client.name();
            if (settings.hosts().stream().anyMatch(host -> host.name().equals(name))) {
                throw new IllegalArgumentException("'" + name + "' is a host's name; operators need their own names");
            }
            Role checked = client.role();
            CloudCa ca = CloudCa.load(settings.caDirectory());
            IssuedIdentity identity = client.issue(ca);
            // recorded before it is written out: an identity the registry does not know could never be revoked by serial;
            // the database is SQLite in WAL mode, so this works while the engine runs (it waits up to 5 s for the engine's lock)
            Path databaseFile = settings.stateDirectory().resolve(EngineModule.DATABASE_FILE);
            try (SqliteDatabase database = SqliteDatabase.open(databaseFile, EngineSchema.VERSION, EngineSchema.DDL)) {
                new CertificateRegistry(database, ca, Clock.systemUTC()).recordClient(identity.certificate());
            } catch (StoreException e) {
                throw new IllegalStateException("cannot record the identity in the engine's database " + databaseFile + " ("
                        + e.getMessage() + "); nothing was written, try again");
            }
            identity.writePem(client.out(), name);
            System.out.println("vtpcm-engine: client identity " + name + " (role " + checked.label() + ", serial "
                    + identity.certificate().getSerialNumber().toString(16) + ", valid until " + identity.certificate().getNotAfter()
                    .toInstant() + ") written to " + client.out());
            return 0;
        }
    }
}
