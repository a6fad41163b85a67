package org.vtpcm.service.rest;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which answer each exception gets: a status and an {@link ApiError}. The most specific mapped class of the exception
 * decides (as Javalin's own handlers would); an exception nobody mapped is a bug, answered 500 {@code INTERNAL}
 * without internals and logged with its stack trace. {@link BadRequestException}, {@link ForbiddenException} and
 * {@link NotFoundException} are mapped to 400, 403 and 404 unless a service maps them otherwise.
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private final String service;
    private final Map<Class<?>, BiFunction<Exception, String, Answer>> answers;

    private ErrorMapping(String service, Map<Class<?>, BiFunction<Exception, String, Answer>> answers) {
        this.service = service;
        this.answers = Map.copyOf(answers);
    }

    /** @param service names the service in the 500 answer ("see the {@code <service>}'s log") */
    public static Builder builder(String service) {
        return new Builder(service);
    }

    /** A status, the error body, and headers to add (e.g. {@code WWW-Authenticate} with a 401). */
    public record Answer(int status, ApiError error, Map<String, String> headers) {
        public Answer {
            requireNonNull(error, "error is null");
            headers = Map.copyOf(headers);
        }

        public static Answer of(int status, String code, String message) {
            return new Answer(status, new ApiError(code, message), Map.of());
        }

        public static Answer of(int status, String code, String message, List<String> details) {
            return new Answer(status, new ApiError(code, message, details), Map.of());
        }

        public Answer withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, error, more);
        }
    }

    /**
     * The answer to a failure.
     *
     * @param request the request, for log lines (e.g. {@code "GET /v1/vms from 10.0.0.1"})
     */
    public Answer answer(Exception failure, String request) {
        for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
            BiFunction<Exception, String, Answer> answer = answers.get(type);
            if (answer != null) {
                return answer.apply(failure, request);
            }
        }
        LOG.error("unexpected failure of {}", request, failure);
        return Answer.of(500, "INTERNAL", "internal error; see the " + service + "'s log");
    }

    public static final class Builder {
        private final String service;
        private final Map<Class<?>, BiFunction<Exception, String, Answer>> answers = new LinkedHashMap<>();

        private Builder(String service) {
            this.service = requireNonNull(service, "service is null");
            map(BadRequestException.class, 400, "BAD_REQUEST");
            map(ForbiddenException.class, 403, "FORBIDDEN");
            map(NotFoundException.class, 404, "NOT_FOUND");
        }

        /** Answers this exception with a fixed status and code, and its message. */
        public <E extends Exception> Builder map(Class<E> type, int status, String code) {
            return map(type, e -> Answer.of(status, code, e.getMessage()));
        }

        /** Answers this exception as the function says. */
        public <E extends Exception> Builder map(Class<E> type, Function<? super E, Answer> answer) {
            requireNonNull(answer, "answer is null");
            return mapWithRequest(type, (e, request) -> answer.apply(e));
        }

        /** Answers this exception as the function says, given the request too (e.g. to log who was refused). */
        public <E extends Exception> Builder mapWithRequest(Class<E> type, BiFunction<? super E, String, Answer> answer) {
            requireNonNull(answer, "answer is null");
            answers.put(requireNonNull(type, "type is null"), (e, request) -> answer.apply(type.cast(e), request));
            return this;
        }

        public ErrorMapping build() {
            return new ErrorMapping(service, answers);
        }
    }
}
