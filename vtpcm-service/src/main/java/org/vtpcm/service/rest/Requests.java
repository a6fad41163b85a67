package org.vtpcm.service.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reading the parts of a request, with 400 answers ({@link BadRequestException}) that say exactly what is wrong. */
public final class Requests {
    /** Where Jetty puts the verified client chain (the servlet specification's attribute). */
    private static final String CLIENT_CHAIN = "jakarta.servlet.request.X509Certificate";

    private Requests() {
    }

    /** A path parameter that must be a UUID in its canonical form. */
    public static UUID uuid(Context context, String name) {
        return uuid(context.pathParam(name), name);
    }

    public static UUID uuid(String value, String name) {
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

    /** The JSON body as a record or class; unknown fields and trailing tokens fail if the mapper is set so. */
    public static <T> T body(Context context, ObjectMapper json, Class<T> type) {
        return body(context.bodyAsBytes(), json, type);
    }

    public static <T> T body(byte[] bytes, ObjectMapper json, Class<T> type) {
        if (bytes.length == 0) {
            throw new BadRequestException("a JSON body is required");
        }
        T value;
        try {
            value = json.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("malformed JSON body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("cannot read the body: " + e.getMessage());
        }
        if (value == null) {
            throw new BadRequestException("a JSON object is required");
        }
        return value;
    }

    /** A field that must be present and not blank. */
    public static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException(field + " is required");
        }
        return value;
    }

    /** A required field of {@code minBytes..maxBytes} bytes written as hex. */
    public static byte[] hex(String value, String field, int minBytes, int maxBytes) {
        if (value == null) {
            throw new BadRequestException(field + " is required");
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field + " must be hex");
        }
        if (bytes.length < minBytes || bytes.length > maxBytes) {
            throw new BadRequestException(field + " must be " + minBytes + ".." + maxBytes + " bytes of hex");
        }
        return bytes;
    }

    /**
     * A field that must match a pattern once trimmed ({@code null} counts as empty).
     *
     * @param what completes "{@code <field>} must be ..."
     */
    public static String matching(String value, String field, Pattern pattern, String what) {
        String trimmed = value == null ? "" : value.trim();
        if (!pattern.matcher(trimmed).matches()) {
            throw new BadRequestException(field + " must be " + what);
        }
        return trimmed;
    }

    /** An optional integer query parameter within {@code min..max}. */
    public static int intQuery(Context context, String name, int fallback, int min, int max) {
        return intQuery(context.queryParam(name), name, fallback, min, max);
    }

    public static int intQuery(String value, String name, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be a number");
        }
        if (number < min || number > max) {
            throw new BadRequestException(name + " must be " + min + ".." + max);
        }
        return number;
    }

    /** The client certificate the TLS handshake verified (the leaf of the chain Jetty puts on the request), if any. */
    public static Optional<X509Certificate> clientCertificate(Context context) {
        Object chain = context.req().getAttribute(CLIENT_CHAIN);
        return chain instanceof X509Certificate[] certificates && certificates.length > 0 ? Optional.of(certificates[0]) : Optional.empty();
    }

    /** A caller's text as it may go into a message: cut short, printable ASCII only. */
    static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
