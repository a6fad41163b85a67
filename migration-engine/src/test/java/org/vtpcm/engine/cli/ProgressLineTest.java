package org.vtpcm.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProgressLine.Progress COPYING = new ProgressLine.Progress(268_435_456L, 100_000_000L, 90_000_000L, 2L);

    @Test
    void theMemoryCopyShowsBytesRateEtaAndElapsed() {
        assertEquals("VM_MIGRATING     95.4 MiB / 256.0 MiB (37%)  85.8 MiB/s  ETA 2s  elapsed 3.5s",
                ProgressLine.format("VM_MIGRATING", COPYING, Duration.ofMillis(3_500)));
    }

    @Test
    void otherPhasesShowOnlyTheElapsedTime() {
        assertEquals("DEST_ATTESTED    elapsed 0.4s", ProgressLine.format("DEST_ATTESTED", null, Duration.ofMillis(400)));
        assertEquals("TPCM_STATE_SENT  elapsed 2m05s", ProgressLine.format("TPCM_STATE_SENT", null, Duration.ofSeconds(125)));
    }

    @Test
    void anUnknownEtaAndLongTimesStayReadable() {
        ProgressLine.Progress slow = new ProgressLine.Progress(8L << 30, 1L << 30, 512, null);
        assertEquals("VM_MIGRATING     1.0 GiB / 8.0 GiB (12%)  512 B/s  ETA ?  elapsed 1h01m",
                ProgressLine.format("VM_MIGRATING", slow, Duration.ofSeconds(3_660)));
        assertEquals("1.0 GiB / 8.0 GiB (12%)  512 B/s  ETA 1m05s", ProgressLine.describe(new ProgressLine.Progress(8L << 30, 1L << 30, 512, 65L)));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() throws IOException {
        StringWriter err = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(err), true);
        line.update(view("{\"phase\":\"VM_MIGRATING\",\"progress\":{\"dataTotal\":1024,\"dataProcessed\":512,\"bytesPerSecond\":1024,"
                + "\"etaSeconds\":0}}"), Duration.ofSeconds(1));
        line.update(view("{\"phase\":\"VERIFIED\",\"progress\":null}"), Duration.ofSeconds(2));
        line.finish();
        String first = "VM_MIGRATING     512 B / 1.0 KiB (50%)  1.0 KiB/s  ETA 0s  elapsed 1.0s";
        String second = "VERIFIED         elapsed 2.0s";
        assertEquals("\r" + first + "\r" + second + " ".repeat(first.length() - second.length()) + System.lineSeparator(), err.toString());
    }

    @Test
    void elsewhereOneLinePerPhase() throws IOException {
        StringWriter err = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(err), false);
        line.update(view("{\"phase\":\"REQUESTED\"}"), Duration.ZERO);
        line.update(view("{\"phase\":\"REQUESTED\"}"), Duration.ofMillis(200));
        line.update(view("{\"phase\":\"COMMITTED\"}"), Duration.ofMillis(400));
        line.finish();
        String newline = System.lineSeparator();
        assertEquals("REQUESTED        elapsed 0.0s" + newline + "COMMITTED        elapsed 0.4s" + newline, err.toString());
    }

    @Test
    void elsewhereAMovingTransferGetsALineEveryFewSeconds() throws IOException {
        StringWriter err = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(err), false);
        String moving = "{\"phase\":\"VM_MIGRATING\",\"progress\":{\"dataTotal\":1024,\"dataProcessed\":%d,\"bytesPerSecond\":256}}";
        line.update(view("{\"phase\":\"VM_MIGRATING\"}"), Duration.ofMillis(500));
        line.update(view(moving.formatted(256)), Duration.ofMillis(1500));
        line.update(view(moving.formatted(512)), Duration.ofMillis(2600));
        line.update(view(moving.formatted(768)), Duration.ofMillis(3500));
        line.finish();
        String newline = System.lineSeparator();
        assertEquals("VM_MIGRATING     elapsed 0.5s" + newline
                + "VM_MIGRATING     512 B / 1.0 KiB (50%)  256 B/s  ETA ?  elapsed 2.6s" + newline, err.toString());
    }

    private static JsonNode view(String json) throws IOException {
        return JSON.readTree(json);
    }
}
