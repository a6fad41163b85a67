package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.UUID;

/**
 * A request to the node interposer's admin socket: one JSON object per line, its kind in {@code op}.
 * Each is answered by one {@link InterposerAnswer} line; after {@link Watch}, {@link ChannelEvent}
 * lines follow until the connection closes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = InterposerCommand.Serve.class, name = "serve"),
    @JsonSubTypes.Type(value = InterposerCommand.Forget.class, name = "forget"),
    @JsonSubTypes.Type(value = InterposerCommand.Report.class, name = "report"),
    @JsonSubTypes.Type(value = InterposerCommand.Channels.class, name = "channels"),
    @JsonSubTypes.Type(value = InterposerCommand.Watch.class, name = "watch"),
    @JsonSubTypes.Type(value = InterposerCommand.Ping.class, name = "ping")
})
public sealed interface InterposerCommand {
    /** The op names, as a bad request's error lists them. */
    String OPS = "serve, forget, report, channels, watch, ping";

    /**
     * Serve a vTPCM's control channel: listen at {@code listen} (inside the service's run dir) and relay
     * each QEMU connection to {@code engine}. Idempotent for the same arguments. A different engine is
     * refused while QEMU is connected and rebinds the channel otherwise (a pooled swtpm handed to a vTPCM).
     */
    record Serve(UUID vtpcmId, String listen, String engine) implements InterposerCommand {
        public Serve {
            requireNonNull(vtpcmId, "vtpcmId is missing");
            requireNonNull(listen, "listen is missing");
            requireNonNull(engine, "engine is missing");
        }
    }

    /** Stop serving: close the listener and any connection, delete the listen socket. An unknown id is fine. */
    record Forget(UUID vtpcmId) implements InterposerCommand {
        public Forget {
            requireNonNull(vtpcmId, "vtpcmId is missing");
        }
    }

    /** The channel's report; none (still ok) for an id not served. */
    record Report(UUID vtpcmId) implements InterposerCommand {
        public Report {
            requireNonNull(vtpcmId, "vtpcmId is missing");
        }
    }

    /** Every served channel's report. */
    record Channels() implements InterposerCommand {
    }

    /** Turn this connection into a stream of {@link ChannelEvent}s. */
    record Watch() implements InterposerCommand {
    }

    /** Liveness; the answer carries the service's pid. */
    record Ping() implements InterposerCommand {
    }
}
