package org.vtpcm.collector.interposer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineBufferTest {
    @Test
    void splitsLinesInAnyChunking() {
        byte[] stream = "{\"op\":\"ping\"}\r\n\nsecond line é\nthird".getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            LineBuffer buffer = new LineBuffer(100);
            List<String> lines = new ArrayList<>();
            for (int offset = 0; offset < stream.length; offset += chunk) {
                lines.addAll(buffer.append(stream, offset, Math.min(chunk, stream.length - offset)));
            }
            assertEquals(List.of("{\"op\":\"ping\"}", "", "second line é"), lines, "chunk " + chunk);
            assertEquals("third".length(), buffer.pendingBytes());
            assertFalse(buffer.tooLong());
        }
    }

    @Test
    void aLineLongerThanTheBoundEndsTheBufferForGood() {
        LineBuffer buffer = new LineBuffer(8);
        assertEquals(List.of("12345678"), buffer.append("12345678\n".getBytes(StandardCharsets.UTF_8), 0, 9), "exactly the bound is fine");
        assertTrue(buffer.append("123456789".getBytes(StandardCharsets.UTF_8), 0, 9).isEmpty());
        assertTrue(buffer.tooLong());
        assertTrue(buffer.append("\nok\n".getBytes(StandardCharsets.UTF_8), 0, 4).isEmpty(), "nothing more is read");
        assertEquals(0, buffer.pendingBytes());
    }
}
