package org.vtpcm.collector.interposer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.nio.charset.StandardCharsets;

/**
 * The admin protocol's JSON, one object per line. The service reads commands strictly (an unknown
 * field is an error, not silently ignored); the client reads answers and events tolerantly, since the
 * service outlives manager upgrades and may be a version older or newer.
 */
final class InterposerJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final ObjectReader COMMANDS = MAPPER.readerFor(InterposerCommand.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader ANSWERS = MAPPER.readerFor(InterposerAnswer.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader EVENTS = MAPPER.readerFor(ChannelEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private InterposerJson() {
    }

    /** One line (with its newline) of any of the protocol's records. */
    static byte[] line(Object value) {
        try {
            return (MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A command, or IllegalArgumentException saying clearly what is wrong with the line. */
    static InterposerCommand command(String line) {
        try {
            return COMMANDS.readValue(line);
        } catch (InvalidTypeIdException e) {
            throw new IllegalArgumentException("unknown or missing op (one of " + InterposerCommand.OPS + ")");
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown field '" + e.getPropertyName() + "'");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(cause.getMessage());
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad request: " + e.getOriginalMessage());
        }
    }

    static InterposerAnswer answer(String line) {
        try {
            return ANSWERS.readValue(line);
        } catch (JsonProcessingException e) {
            throw new InterposerException("the interposer sent an unreadable answer: " + e.getOriginalMessage(), e);
        }
    }

    static ChannelEvent event(String line) {
        try {
            return EVENTS.readValue(line);
        } catch (JsonProcessingException e) {
            throw new InterposerException("the interposer sent an unreadable event: " + e.getOriginalMessage(), e);
        }
    }
}
