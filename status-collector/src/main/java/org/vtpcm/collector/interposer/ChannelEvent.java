package org.vtpcm.collector.interposer;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * Pushed to every {@code Watch} connection as it happens, in the order it happened.
 *
 * @param vtpcmId the vTPCM whose channel it concerns
 * @param kind what happened
 * @param report the channel's report right after it happened
 * @param atEpochMillis when
 */
public record ChannelEvent(UUID vtpcmId, Kind kind, ChannelReport report, long atEpochMillis) {
    public ChannelEvent {
        requireNonNull(vtpcmId, "vtpcmId is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(report, "report is null");
    }

    public enum Kind {
        /** QEMU connected and the interposer connected on to the engine. */
        CONNECTED,
        /** Someone connected while a QEMU connection was live: closed at once, the live one untouched. */
        REFUSED_SECOND_CONNECTION,
        /** A GET_STATEBLOB answer completed (a blob left the engine); the report has the new fetched digest. */
        STATE_FETCHED,
        /** A SET_STATEBLOB request completed (a blob went into the engine); the report has the new loaded digest. */
        STATE_LOADED,
        /** The QEMU connection ended (or was closed by Forget); the report keeps what it carried. */
        DISCONNECTED,
        /** The observer lost track of the conversation: from now on no digest of this connection can be trusted. */
        DESYNC
    }
}
