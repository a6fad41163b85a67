package org.vtpcm.service.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {
    private static class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    private static final class SpecialRefusal extends Refusal {
        private static final long serialVersionUID = 1L;

        SpecialRefusal(String message) {
            super(message);
        }
    }

    private static final ErrorMapping ERRORS = ErrorMapping.builder("engine")
            .map(Refusal.class, 409, "CONFLICT")
            .map(SpecialRefusal.class, e -> ErrorMapping.Answer.of(401, "TOKEN", e.getMessage(), List.of("why"))
                    .withHeader("WWW-Authenticate", "Bearer"))
            .map(IllegalStateException.class, 503, "UNAVAILABLE")
            .build();

    @Test
    void theCommonRequestErrorsHaveTheirCodes() {
        assertEquals(ErrorMapping.Answer.of(400, "BAD_REQUEST", "vm is required"), ERRORS.answer(new BadRequestException("vm is required"), "POST /"));
        assertEquals(ErrorMapping.Answer.of(403, "FORBIDDEN", "no"), ERRORS.answer(new ForbiddenException("no"), "GET /"));
        assertEquals(ErrorMapping.Answer.of(404, "NOT_FOUND", "gone"), ERRORS.answer(new NotFoundException("gone"), "GET /"));
    }

    @Test
    void theMostSpecificMappedClassDecides() {
        assertEquals(ErrorMapping.Answer.of(409, "CONFLICT", "taken"), ERRORS.answer(new Refusal("taken"), "POST /"));
        ErrorMapping.Answer special = ERRORS.answer(new SpecialRefusal("expired"), "POST /");
        assertEquals(401, special.status());
        assertEquals(new ApiError("TOKEN", "expired", List.of("why")), special.error());
        assertEquals(Map.of("WWW-Authenticate", "Bearer"), special.headers());
    }

    @Test
    void anUnmappedFailureIsA500WithoutInternals() {
        ErrorMapping.Answer answer = ERRORS.answer(new IllegalArgumentException("secret detail at x.y.Z"), "GET /v1/vms");
        assertEquals(ErrorMapping.Answer.of(500, "INTERNAL", "internal error; see the engine's log"), answer);
        assertFalse(answer.error().message().contains("secret"));
    }

    @Test
    void aServiceMayMapTheCommonErrorsItsOwnWay() {
        ErrorMapping errors = ErrorMapping.builder("manager").map(BadRequestException.class, 422, "UNPROCESSABLE").build();
        assertEquals(422, errors.answer(new BadRequestException("x"), "POST /").status());
    }
}
