package org.vtpcm.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.UUID;

/** Reading request parts with 400 answers that say exactly what is wrong. */
final class ApiRequests {
    private ApiRequests() {
    }

    static UUID uuidParameter(Context context, String name) {
        String value = context.pathParam(name);
        try {
            UUID uuid = UUID.fromString(value);
            if (!uuid.toString().equalsIgnoreCase(value)) {
                throw new IllegalArgumentException();
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(name + " must be a UUID (got '" + printable(value) + "')");
        }
    }

    static <T> T body(Context context, ObjectMapper json, Class<T> type) {
        byte[] bytes = context.bodyAsBytes();
        if (bytes.length == 0) {
            throw new BadRequestException("a JSON body is required");
        }
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw new BadRequestException("a JSON object is required");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("malformed JSON body: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadRequestException("cannot read the body: " + e.getMessage());
        }
    }

    static byte[] hex(String value, String field, int minBytes, int maxBytes) {
        if (value == null) {
            throw new BadRequestException(field + " is required");
        }
        try {
            byte[] bytes = HexFormat.of().parseHex(value);
            if (bytes.length < minBytes || bytes.length > maxBytes) {
                throw new BadRequestException(field + " must be " + minBytes + ".." + maxBytes + " bytes of hex");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field + " must be hex");
        }
    }

    /** A public key of this node's suite, as hex. */
    static java.security.PublicKey publicKey(org.vtpcm.protocol.crypto.CryptoSuite suite, String hex, String field) {
        byte[] encoded = hex(hex, field, 32, 1024);
        try {
            return suite.decodePublicKey(encoded);
        } catch (RuntimeException e) {
            throw new BadRequestException(field + " is not a public key of this node's suite (" + suite.name() + ")");
        }
    }

    static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException(field + " is required");
        }
        return value;
    }

    private static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
