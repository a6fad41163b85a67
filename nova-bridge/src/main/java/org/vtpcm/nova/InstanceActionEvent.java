package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One step of an instance action, e.g. {@code compute_live_migration}.
 *
 * @param result {@code Success} or {@code Error}; empty while running
 * @param traceback the fault's traceback (admins only)
 */
public record InstanceActionEvent(String event, Optional<String> host, Optional<String> startTime, Optional<String> finishTime,
        Optional<String> result, Optional<String> traceback, Optional<String> details) {
    public InstanceActionEvent {
        requireNonNull(event, "event is null");
        requireNonNull(host, "host is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(finishTime, "finishTime is null");
        requireNonNull(result, "result is null");
        requireNonNull(traceback, "traceback is null");
        requireNonNull(details, "details is null");
    }

    public boolean failed() {
        return result.filter("Error"::equalsIgnoreCase).isPresent();
    }
}
