package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm nodes ...}: enroll compute nodes through the engine with one-time tokens. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Enroll compute nodes: issue a one-time enrollment token for a node, list tokens, revoke one; revoke a node's "
                + "certificates.",
        subcommands = {NodesCommand.Token.class, NodesCommand.Tokens.class, NodesCommand.RevokeToken.class, NodesCommand.Revoke.class})
final class NodesCommand {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,5})h)?(?:(\\d{1,5})m)?(?:(\\d{1,6})s)?");

    @ParentCommand
    VtpcmCli cli;

    /** {@code 15m}, {@code 1h30m}, {@code 90s} or plain seconds ({@code 900}), as seconds. */
    static long seconds(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.matches("\\d{1,6}")) {
            return Long.parseLong(value);
        }
        Matcher matcher = DURATION.matcher(value);
        if (value.isEmpty() || !matcher.matches()) {
            throw new UsageException("--ttl must be a duration like 15m, 1h30m, 90s or 900 (seconds), got '" + text + "'");
        }
        long seconds = 0;
        long[] factors = {3600, 60, 1};
        for (int group = 1; group <= 3; group++) {
            if (matcher.group(group) != null) {
                seconds += Long.parseLong(matcher.group(group)) * factors[group - 1];
            }
        }
        return seconds;
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Issue a one-time enrollment token for a node (shown only now) and print the node's enroll command.")
    static final class Token implements Callable<Integer> {
        @ParentCommand
        NodesCommand parent;

        @Parameters(paramLabel = "NODE", description = "the node's name, one of the engine's hosts")
        String node;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "15m",
                description = "how long the token may be used: 1m..24h, e.g. 15m, 2h, 900 (default ${DEFAULT-VALUE})")
        String ttl;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            long ttlSeconds = seconds(ttl);
            JsonNode issued = cli.client().send("POST", "/v1/enrollment-tokens", cli.jsonObject().put("node", node)
                    .put("ttlSeconds", ttlSeconds));
            if (cli.json()) {
                cli.printJson(issued);
                return ExitCodes.OK;
            }
            String token = Formats.text(issued, "token");
            cli.print("enrollment token " + Formats.text(issued, "id") + " for node " + Formats.text(issued, "node") + ", valid until "
                    + Formats.text(issued, "expiresAt") + " and for one enrollment:\n\n  " + token + "\n\n"
                    + "It is not shown again. On the node, as root:\n\n"
                    + "  vtpcm-manager enroll --config /etc/vtpcm/manager.conf --engine " + Formats.text(issued, "enrollmentUrl")
                    + " --token " + token + " --ca-fingerprint " + Formats.text(issued, "caFingerprint") + "\n");
            return ExitCodes.OK;
        }
    }

    @Command(name = "tokens", mixinStandardHelpOptions = true, description = "List enrollment tokens (never their secrets), newest first.")
    static final class Tokens implements Callable<Integer> {
        @ParentCommand
        NodesCommand parent;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode answer = cli.client().send("GET", "/v1/enrollment-tokens", null);
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "NODE", "STATE", "OUTCOME", "EXPIRES", "CREATED BY", "USED");
            for (JsonNode token : answer.path("tokens")) {
                table.row(Formats.text(token, "id"), Formats.text(token, "node"), Formats.text(token, "state"),
                        Formats.text(token, "outcome"), Formats.text(token, "expiresAt"), Formats.text(token, "createdBy"),
                        Formats.text(token, "usedAt"));
            }
            cli.print(table.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke-token", mixinStandardHelpOptions = true, description = "Revoke an unused enrollment token.")
    static final class RevokeToken implements Callable<Integer> {
        @ParentCommand
        NodesCommand parent;

        @Parameters(paramLabel = "ID", description = "the token's id (12 hex digits, as `nodes tokens` lists it)")
        String id;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            if (!id.matches("[0-9a-f]{12}")) {
                throw new UsageException("a token id is 12 hex digits (see: vtpcm nodes tokens), got '" + id + "'");
            }
            cli.client().send("DELETE", "/v1/enrollment-tokens/" + id, null);
            if (!cli.json()) {
                cli.print("revoked enrollment token " + id);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke every certificate of a node (manager, QEMU, AK, its nova-compute identity): it is refused from its "
                    + "next TLS handshake on, until it enrolls again with a fresh token.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        NodesCommand parent;

        @Parameters(paramLabel = "NODE", description = "the node's name")
        String node;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the registry and the logs")
        String reason;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            if (!node.matches(CertsCommand.NODE)) {
                throw new UsageException("a node's name is 1-63 letters, digits and dashes, got '" + node + "'");
            }
            com.fasterxml.jackson.databind.node.ObjectNode body = cli.jsonObject();
            if (reason != null) {
                body.put("reason", CertsCommand.reason(reason));
            }
            JsonNode answer = cli.client().send("POST", "/v1/hosts/" + node + "/revoke", body);
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            JsonNode revoked = answer.path("revoked");
            if (revoked.isEmpty()) {
                cli.print("node " + node + " holds no unrevoked certificate");
                return ExitCodes.OK;
            }
            Table table = new Table("SERIAL", "ROLE", "SUBJECT");
            for (JsonNode certificate : revoked) {
                table.row(Formats.text(certificate, "serial"), Formats.text(certificate, "role"), Formats.text(certificate, "subject"));
            }
            cli.print("revoked " + revoked.size() + " certificate(s) of node " + node + "; revocation list "
                    + Formats.text(answer, "crlNumber") + " goes to every host's manager\n" + table.render());
            return ExitCodes.OK;
        }
    }
}
