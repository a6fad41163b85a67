package org.vtpcm.nova;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class NovaErrorsTest {
    @Test
    void novaFaultMessagesAreExtractedWhateverTheFaultName() {
        assertEquals("m1", NovaErrors.message("{\"badRequest\": {\"code\": 400, \"message\": \"m1\"}}"));
        assertEquals("m2", NovaErrors.message("{\"computeFault\": {\"code\": 500, \"message\": \"m2\"}}"));
        assertEquals("m3", NovaErrors.message("{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": \"m3\"}}"));
    }

    @Test
    void otherBodiesAreShownShortened() {
        assertEquals("<html>502 Bad Gateway</html>", NovaErrors.message("<html>502 Bad Gateway</html>\n"));
        assertEquals("(no body)", NovaErrors.message(""));
        assertEquals(303, NovaErrors.message("x".repeat(1000)).length());
    }

    @Test
    void statusesMapToTypes() {
        assertInstanceOf(NovaNotFoundException.class, NovaErrors.of(404, "", "r"));
        assertInstanceOf(NovaConflictException.class, NovaErrors.of(409, "", "r"));
        assertInstanceOf(NovaAuthException.class, NovaErrors.of(401, "", "r"));
        assertInstanceOf(NovaUnavailableException.class, NovaErrors.of(503, "", "r"));
        assertEquals(500, ((NovaApiException) NovaErrors.of(500, "", "r")).status());
    }
}
