package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vtpcm.collector.swtpm.StateBlobType;
import org.vtpcm.protocol.state.StateDigest;

/** The admin protocol's records on the wire: one line each, round trips, tolerant answers, strict commands. */
class WireRecordsTest {
    private static final UUID VTPCM = UUID.fromString("5f0c2d4e-8a51-4b0e-9a43-1d2f6a7b8c9d");
    private static final StateDigest DIGEST = StateDigest.parse("ab".repeat(32));

    @Test
    void everyCommandRoundTripsWithItsOp() {
        List<InterposerCommand> commands = List.of(new InterposerCommand.Serve(VTPCM, "/run/a.ctrl", "/var/a/swtpm.ctrl"),
                new InterposerCommand.Forget(VTPCM), new InterposerCommand.Report(VTPCM), new InterposerCommand.Channels(),
                new InterposerCommand.Watch(), new InterposerCommand.Ping());
        for (InterposerCommand command : commands) {
            String line = line(command);
            assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
            assertEquals(command, InterposerJson.command(line.strip()));
        }
        assertEquals("{\"op\":\"ping\"}\n", line(new InterposerCommand.Ping()));
        assertEquals("{\"op\":\"forget\",\"vtpcmId\":\"" + VTPCM + "\"}\n", line(new InterposerCommand.Forget(VTPCM)));
    }

    @Test
    void reportsAndEventsRoundTripWithoutTheirHelpers() {
        ChannelReport report = report(List.of(StateBlobType.PERMANENT, StateBlobType.VOLATILE), true);
        String line = line(report);
        assertFalse(line.contains("Complete"), "fetchedComplete/loadedComplete are helpers, not wire fields: " + line);
        assertTrue(line.contains("\"fetchedDigest\":\"" + DIGEST.hex() + "\""), line);
        assertTrue(line.contains("\"loadedDigest\":\"\""), "no digest is the empty string: " + line);
        ChannelEvent event = new ChannelEvent(VTPCM, ChannelEvent.Kind.STATE_FETCHED, report, 1_700_000_000_000L);
        assertEquals(event, InterposerJson.event(line(event).strip()));
        InterposerAnswer answer = InterposerAnswer.of(List.of(report), 42);
        assertEquals(answer, InterposerJson.answer(line(answer).strip()));
        assertEquals(InterposerAnswer.failed("nope", 42), InterposerJson.answer(line(InterposerAnswer.failed("nope", 42)).strip()));
    }

    @Test
    void answersFromANewerServiceAreStillRead() {
        InterposerAnswer answer = InterposerJson.answer("{\"ok\":true,\"pid\":7,\"uptimeSeconds\":12}");
        assertTrue(answer.ok());
        assertEquals(7, answer.pid());
        assertEquals(List.of(), answer.channels());
    }

    @Test
    void wholeStateNeedsPermanentAndVolatileInSync() {
        assertTrue(report(List.of(StateBlobType.PERMANENT, StateBlobType.VOLATILE), true).fetchedComplete());
        assertTrue(report(List.of(StateBlobType.values()), true).fetchedComplete());
        assertFalse(report(List.of(StateBlobType.PERMANENT), true).fetchedComplete());
        assertFalse(report(List.of(StateBlobType.PERMANENT, StateBlobType.VOLATILE), false).fetchedComplete(), "out of sync claims nothing");
        assertFalse(report(List.of(StateBlobType.PERMANENT, StateBlobType.VOLATILE), true).loadedComplete(), "no loaded digest");
    }

    @Test
    void aFailedAnswerSaysWhy() {
        assertThrows(IllegalArgumentException.class, () -> new InterposerAnswer(false, null, null, null, 1));
    }

    private static ChannelReport report(List<StateBlobType> fetched, boolean inSync) {
        return new ChannelReport(VTPCM, "/run/a.ctrl", "/var/a/swtpm.ctrl", false, 1, inSync, 7, DIGEST, fetched, null, null);
    }

    private static String line(Object value) {
        return new String(InterposerJson.line(value), StandardCharsets.UTF_8);
    }
}
