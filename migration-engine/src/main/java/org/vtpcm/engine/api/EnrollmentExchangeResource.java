package org.vtpcm.engine.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Inject;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import org.vtpcm.engine.enrollment.EnrollmentExchange;
import org.vtpcm.engine.enrollment.EnrollmentToken;
import org.vtpcm.nodeapi.EnrollmentMessages;
import org.vtpcm.service.rest.ApiRoutes;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/**
 * The enrollment exchange, {@code POST /v1/enrollment/challenge} and {@code /answer}: served only
 * by {@link EnrollmentApiServer}. The bearer token is checked before the body is read.
 */
public final class EnrollmentExchangeResource implements ApiRoutes {
    private final EnrollmentExchange exchange;
    private final ObjectMapper json;

    @Inject
    public EnrollmentExchangeResource(EnrollmentExchange exchange, ObjectMapper json) {
        this.exchange = requireNonNull(exchange, "exchange is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post(EnrollmentMessages.CHALLENGE_PATH, this::challenge);
        routes.post(EnrollmentMessages.ANSWER_PATH, this::answer);
    }

    private void challenge(Context context) {
        EnrollmentToken token = exchange.authenticate(context.header("Authorization"));
        EnrollmentMessages.ChallengeRequest request = Requests.body(context, json, EnrollmentMessages.ChallengeRequest.class);
        try {
            context.json(exchange.challenge(token, request));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private void answer(Context context) {
        EnrollmentToken token = exchange.authenticate(context.header("Authorization"));
        EnrollmentMessages.AnswerRequest request = Requests.body(context, json, EnrollmentMessages.AnswerRequest.class);
        try {
            context.json(exchange.answer(token, request));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
