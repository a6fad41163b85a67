package org.vtpcm.engine.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vtpcm.engine.client.EngineClientException;

/** The exit status of {@code vtpcm}, one per kind of outcome, so scripts can tell them apart. */
final class ExitCodes {
    static final int OK = 0;
    static final int MIGRATION_NOT_COMMITTED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int CONFLICT = 4;
    static final int UNAVAILABLE = 5;
    static final int FORBIDDEN = 6;

    /** The same table in each command's help. */
    static final Map<String, String> HELP = help();

    private ExitCodes() {
    }

    /** The exit status for an engine call that failed with {@code status} (0: no answer). */
    static int forStatus(int status) {
        if (status == EngineClientException.NO_ANSWER || status >= 500) {
            return UNAVAILABLE;
        }
        return switch (status) {
            case 401, 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            default -> USAGE;
        };
    }

    /** The exit status for whatever a command threw. */
    static int forException(Exception exception) {
        if (exception instanceof EngineClientException failure) {
            return EngineClientException.TLS_REJECTED.equals(failure.code()) ? FORBIDDEN : forStatus(failure.status());
        }
        if (exception instanceof UsageException || exception instanceof IllegalArgumentException) {
            return USAGE;
        }
        return MIGRATION_NOT_COMMITTED;
    }

    private static Map<String, String> help() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "success");
        codes.put("1", "the migration ended ROLLED_BACK or FAILED (with --wait), or an unexpected error");
        codes.put("2", "bad usage, or the engine answered 400 (bad request)");
        codes.put("3", "not found (404): no such migration, host, VM or reference value");
        codes.put("4", "conflict (409): VM already migrating, no eligible destination, abort past switchover");
        codes.put("5", "engine unreachable, timed out, or answered 5xx (e.g. a node's manager unreachable)");
        codes.put("6", "not allowed (401/403): certificate refused or not an operator identity");
        return Collections.unmodifiableMap(codes);
    }
}
