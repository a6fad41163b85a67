package org.vtpcm.service.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    record Move(String vm, int parallel) {
    }

    private static String message(Runnable request) {
        return assertThrows(BadRequestException.class, request::run).getMessage();
    }

    @Test
    void uuidsMustBeCanonical() {
        UUID id = UUID.randomUUID();
        assertEquals(id, Requests.uuid(id.toString(), "id"));
        assertEquals(id, Requests.uuid(id.toString().toUpperCase(java.util.Locale.ROOT), "id"));
        assertEquals("id must be a UUID (got '1-1-1-1-1')", message(() -> Requests.uuid("1-1-1-1-1", "id")));
        assertTrue(message(() -> Requests.uuid("x\u0000y" + "z".repeat(100), "id")).contains("x?yzz"));
    }

    @Test
    void bodiesBecomeRecordsOrClear400s() {
        assertEquals(new Move("g", 2), Requests.body("{\"vm\":\"g\",\"parallel\":2}".getBytes(StandardCharsets.UTF_8), JSON, Move.class));
        assertEquals("a JSON body is required", message(() -> Requests.body(new byte[0], JSON, Move.class)));
        assertEquals("a JSON object is required", message(() -> Requests.body("null".getBytes(StandardCharsets.UTF_8), JSON, Move.class)));
        assertTrue(message(() -> Requests.body("{\"vm\":".getBytes(StandardCharsets.UTF_8), JSON, Move.class)).startsWith("malformed JSON body"));
        assertTrue(message(() -> Requests.body("{\"vm\":\"g\",\"x\":1}".getBytes(StandardCharsets.UTF_8), JSON, Move.class))
                .startsWith("malformed JSON body"));
    }

    @Test
    void requiredHexAndPatterns() {
        assertEquals("vm", Requests.required("vm", "vm"));
        assertEquals("vm is required", message(() -> Requests.required(" ", "vm")));
        assertArrayEquals(new byte[] {1, (byte) 0xab}, Requests.hex("01ab", "digest", 1, 2));
        assertEquals("digest is required", message(() -> Requests.hex(null, "digest", 1, 2)));
        assertEquals("digest must be hex", message(() -> Requests.hex("zz", "digest", 1, 2)));
        assertEquals("digest must be 1..2 bytes of hex", message(() -> Requests.hex("010203", "digest", 1, 2)));
        Pattern name = Pattern.compile("[a-z]+");
        assertEquals("abc", Requests.matching(" abc ", "vm", name, "a name"));
        assertEquals("vm must be a name", message(() -> Requests.matching(null, "vm", name, "a name")));
    }

    @Test
    void integerQueryParameters() {
        assertEquals(20, Requests.intQuery((String) null, "limit", 20, 1, 100));
        assertEquals(5, Requests.intQuery("5", "limit", 20, 1, 100));
        assertEquals("limit must be 1..100", message(() -> Requests.intQuery("0", "limit", 20, 1, 100)));
        assertEquals("limit must be a number", message(() -> Requests.intQuery("x", "limit", 20, 1, 100)));
    }
}
