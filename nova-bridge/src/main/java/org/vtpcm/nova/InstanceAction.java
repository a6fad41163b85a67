package org.vtpcm.nova;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A user-visible action on a server (e.g. {@code live-migration}) with its events.
 *
 * @param message Nova's fault message for a failed action (e.g. "Error"), if any
 */
public record InstanceAction(String requestId, String action, String instanceUuid, Optional<String> message, Optional<String> startTime,
        Optional<String> updatedAt, List<InstanceActionEvent> events) {
    public InstanceAction {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(action, "action is null");
        requireNonNull(instanceUuid, "instanceUuid is null");
        requireNonNull(message, "message is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(updatedAt, "updatedAt is null");
        events = List.copyOf(events);
    }

    public boolean failed() {
        return events.stream().anyMatch(InstanceActionEvent::failed);
    }
}
