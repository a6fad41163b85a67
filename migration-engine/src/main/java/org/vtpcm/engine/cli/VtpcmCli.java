package org.vtpcm.engine.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.slf4j.LoggerFactory;
import org.vtpcm.engine.client.EngineClient;
import org.vtpcm.engine.client.EngineClientException;
import org.vtpcm.protocol.tls.MutualTls;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code vtpcm}: the operator's command line of the migration engine ({@code docs/engine-api.md}). */
@Command(name = "vtpcm", mixinStandardHelpOptions = true, version = "vtpcm 0.1.0",
        description = "Operate the vtpcm migration engine: live-migrate VMs with their vTPCM, follow and abort migrations, "
                + "attest hosts, manage reference values, list vTPCMs, enroll nodes, revoke certificates.",
        subcommands = {MigrateCommand.class, MigrationsCommand.class, HostsCommand.class, RefsCommand.class, VtpcmCommand.class,
            NodesCommand.class, CertsCommand.class})
public final class VtpcmCli {
    private static final String ERROR = "vtpcm: error: ";

    @Option(names = "--engine", paramLabel = "URL", scope = ScopeType.INHERIT, defaultValue = "${env:VTPCM_ENGINE:-https://127.0.0.1:9440}",
            description = "the engine's URL (env VTPCM_ENGINE; default ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--tls-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "${env:VTPCM_TLS_DIR}",
            description = "folder with <identity>.crt, <identity>.key and ca.crt (env VTPCM_TLS_DIR)")
    Path tlsDirectory;

    @Option(names = "--identity", paramLabel = "NAME", scope = ScopeType.INHERIT, defaultValue = "${env:VTPCM_IDENTITY:-operator}",
            description = "the client identity to present (env VTPCM_IDENTITY; default ${DEFAULT-VALUE})")
    String identity;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the engine's JSON on stdout instead of text")
    boolean json;

    private final Terminal terminal;
    private final ObjectMapper mapper = new ObjectMapper();

    public VtpcmCli(Terminal terminal) {
        this.terminal = requireNonNull(terminal, "terminal is null");
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(commandLine(Terminal.system()).execute(args));
    }

    /** The whole command tree writing to {@code terminal}: one error line and an exit code for every failure. */
    public static CommandLine commandLine(Terminal terminal) {
        CommandLine commandLine = new CommandLine(new VtpcmCli(terminal));
        commandLine.setOut(terminal.out()).setErr(terminal.err());
        setExitCodeHelp(commandLine);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            line.getErr().println(ERROR + message(exception));
            line.getErr().flush();
            return ExitCodes.forException(exception);
        });
        commandLine.setParameterExceptionHandler((exception, args) -> {
            CommandLine line = exception.getCommandLine();
            line.getErr().println(ERROR + exception.getMessage() + " (see: " + line.getCommandSpec().qualifiedName() + " --help)");
            line.getErr().flush();
            return ExitCodes.USAGE;
        });
        return commandLine;
    }

    /** A client of the engine the options name, presenting the operator's identity. */
    EngineClient client() {
        URI base;
        try {
            base = new URI(engine);
        } catch (java.net.URISyntaxException e) {
            throw new UsageException("--engine: not a URL: " + engine);
        }
        if (!"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new UsageException("--engine must be an https URL with a host (got " + engine + ")");
        }
        if (tlsDirectory == null) {
            throw new UsageException("no TLS identity: pass --tls-dir DIR or set VTPCM_TLS_DIR (DIR holds " + identity + ".crt, "
                    + identity + ".key, ca.crt)");
        }
        SSLContext tls;
        try {
            tls = MutualTls.context(tlsDirectory, identity);
        } catch (RuntimeException e) {
            throw new UsageException("cannot read the TLS identity '" + identity + "' in " + tlsDirectory + ": " + message(e));
        }
        return new EngineClient(base, tls);
    }

    Terminal terminal() {
        return terminal;
    }

    boolean json() {
        return json;
    }

    /** An empty JSON object to print. */
    com.fasterxml.jackson.databind.node.ObjectNode jsonObject() {
        return mapper.createObjectNode();
    }

    /** Prints {@code node} as indented JSON on stdout. */
    void printJson(JsonNode node) {
        try {
            terminal.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON: " + e.getOriginalMessage(), e);
        }
        terminal.out().flush();
    }

    /** Prints text (that ends with a newline or not) on stdout. */
    void print(String text) {
        terminal.out().print(text.endsWith("\n") ? text : text + "\n");
        terminal.out().flush();
    }

    /** A warning that does not change the outcome, on stderr. */
    void warn(String text) {
        terminal.err().println("vtpcm: warning: " + text);
        terminal.err().flush();
    }

    private static String message(Throwable exception) {
        String message = exception.getMessage() == null || exception.getMessage().isBlank()
                ? exception.getClass().getSimpleName() : exception.getMessage();
        if (exception instanceof EngineClientException failure && failure.status() != EngineClientException.NO_ANSWER) {
            message += " (" + failure.status() + " " + failure.code() + ")";
        }
        // one line, whatever the message holds
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    private static void setExitCodeHelp(CommandLine commandLine) {
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        commandLine.getSubcommands().values().forEach(VtpcmCli::setExitCodeHelp);
    }

    /** The CLI reports its own errors; libraries' log lines would only mix into its output. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.reset();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.OFF);
        }
    }
}
