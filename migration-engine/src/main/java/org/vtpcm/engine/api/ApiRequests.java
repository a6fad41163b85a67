package org.vtpcm.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.UUID;

/** Parsing of path parameters and bodies into clear 400s. */
final class ApiRequests {
    private ApiRequests() {
    }

    static UUID uuid(Context context, String name) {
        String value = context.pathParam(name);
        try {
            UUID uuid = UUID.fromString(value);
            if (!uuid.toString().equalsIgnoreCase(value)) {
                throw new IllegalArgumentException();
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(name + " must be a UUID");
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

    /** A VM named by its UUID or domain name, trimmed; 400 otherwise. */
    static String vm(String text) {
        String vm = text == null ? "" : text.trim();
        if (!vm.matches("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")) {
            throw new BadRequestException("vm must be a VM's UUID or domain name");
        }
        return vm;
    }

    /** An optional destination host name, trimmed; 400 if given and not a host name. */
    static java.util.Optional<String> host(String text, String field) {
        java.util.Optional<String> host = java.util.Optional.ofNullable(text).map(String::trim);
        if (host.isPresent() && !host.get().matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
            throw new BadRequestException(field + " must be a host name");
        }
        return host;
    }

    static int intQuery(Context context, String name, int fallback, int min, int max) {
        String value = context.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number < min || number > max) {
                throw new BadRequestException(name + " must be " + min + ".." + max);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be a number");
        }
    }
}
