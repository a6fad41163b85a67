package org.vtpcm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vtpcm certs ...}: the certificates the engine's cloud CA issued, their revocation and the revocation list. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "List the certificates the engine's cloud CA issued, revoke one, show the revocation list's delivery.",
        subcommands = {CertsCommand.ListCerts.class, CertsCommand.Revoke.class, CertsCommand.Crl.class})
final class CertsCommand {
    /** A serial as `certs list` shows it: hex, any case, colons or a 0x prefix allowed. */
    static final String SERIAL = "(0x)?[0-9A-Fa-f:]{1,60}";
    static final String NODE = "[A-Za-z0-9][A-Za-z0-9-]{0,62}";

    @ParentCommand
    VtpcmCli cli;

    /** A revocation reason: one line of 1..200 characters. */
    static String reason(String text) {
        String reason = text == null ? "" : text.trim();
        if (reason.isEmpty() || reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException("--reason must be one line of 1..200 characters");
        }
        return reason;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every certificate the engine's CA issued, newest first.")
    static final class ListCerts implements Callable<Integer> {
        @ParentCommand
        CertsCommand parent;

        @Option(names = "--node", paramLabel = "NODE", description = "only this node's certificates")
        String node;

        @Option(names = "--valid", description = "only certificates neither revoked nor expired")
        boolean valid;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            if (node != null && !node.matches(NODE)) {
                throw new UsageException("--node must be a host name, got '" + node + "'");
            }
            JsonNode answer = cli.client().send("GET", "/v1/certificates" + (node == null ? "" : "?node=" + node), null);
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("SERIAL", "ROLE", "SUBJECT", "NODE", "STATE", "ISSUED", "NOT AFTER", "REVOKED", "REASON");
            for (JsonNode certificate : answer.path("certificates")) {
                if (valid && !"VALID".equals(Formats.text(certificate, "state"))) {
                    continue;
                }
                table.row(Formats.text(certificate, "serial"), Formats.text(certificate, "role"), Formats.text(certificate, "subject"),
                        Formats.text(certificate, "node"), Formats.text(certificate, "state"), Formats.text(certificate, "issuedAt"),
                        Formats.text(certificate, "notAfter"), Formats.text(certificate, "revokedAt"),
                        Formats.text(certificate, "revocationReason"));
            }
            cli.print(table.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke one certificate: every daemon refuses it from its next TLS handshake on.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        CertsCommand parent;

        @Parameters(paramLabel = "SERIAL", description = "the certificate's serial number in hex, as `vtpcm certs list` shows it")
        String serial;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why, for the registry and the logs")
        String reason;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            if (!serial.trim().matches(SERIAL)) {
                throw new UsageException("a serial is the certificate's serial number in hex (see: vtpcm certs list), got '" + serial + "'");
            }
            JsonNode answer = cli.client().send("POST", "/v1/certificates/" + serial.trim().replace(":", "") + "/revoke",
                    cli.jsonObject().put("reason", reason(reason)));
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            JsonNode certificate = answer.path("certificate");
            cli.print("revoked certificate " + Formats.text(certificate, "serial") + " (" + Formats.text(certificate, "role") + " '"
                    + Formats.text(certificate, "subject") + "'); revocation list " + Formats.text(answer, "crlNumber")
                    + " goes to every host's manager");
            return ExitCodes.OK;
        }
    }

    @Command(name = "crl", mixinStandardHelpOptions = true,
            description = "The revocation list's number and the number each host's manager confirmed holding.")
    static final class Crl implements Callable<Integer> {
        @ParentCommand
        CertsCommand parent;

        @Override
        public Integer call() {
            VtpcmCli cli = parent.cli;
            JsonNode answer = cli.client().send("GET", "/v1/certificates/revocation-list", null);
            if (cli.json()) {
                cli.printJson(answer);
                return ExitCodes.OK;
            }
            StringBuilder text = new StringBuilder("revocation list " + Formats.text(answer, "number") + ", issued "
                    + Formats.text(answer, "issuedAt") + ", next update by " + Formats.text(answer, "nextUpdate") + "\n");
            Table table = new Table("HOST", "HOLDS");
            answer.path("hosts").fields().forEachRemaining(host -> table.row(host.getKey(), host.getValue().asText()));
            text.append(table.render());
            cli.print(text.toString());
            return ExitCodes.OK;
        }
    }
}
