package org.vtpcm.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/** Turns an HTTP error from Nova into a typed exception carrying Nova's own message. */
final class NovaErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RAW_MESSAGE = 300;

    private NovaErrors() {
    }

    static NovaException of(int status, String body, String request) {
        String message = message(body);
        return switch (status) {
            case 401 -> new NovaAuthException(request + ": HTTP 401 even with a fresh token: " + message);
            case 404 -> new NovaNotFoundException(message, request);
            case 409 -> new NovaConflictException(message, request);
            case 502, 503, 504 -> new NovaUnavailableException(request + ": HTTP " + status + ": " + message);
            default -> new NovaApiException(status, message, request);
        };
    }

    /**
     * Nova's fault bodies are {@code {"badRequest": {"code": 400, "message": "..."}}} (the key names the fault:
     * itemNotFound, conflictingRequest, forbidden, computeFault, ...); Keystone's are {@code {"error": {"message": ...}}}.
     */
    static String message(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isObject()) {
                for (Map.Entry<String, JsonNode> field : root.properties()) {
                    JsonNode fault = field.getValue();
                    if (fault.isObject() && fault.path("message").isTextual()) {
                        return fault.get("message").asText();
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: a proxy's or WSGI server's page; show its start below
        }
        String trimmed = body.strip();
        return trimmed.length() > MAX_RAW_MESSAGE ? trimmed.substring(0, MAX_RAW_MESSAGE) + "..." : trimmed;
    }
}
