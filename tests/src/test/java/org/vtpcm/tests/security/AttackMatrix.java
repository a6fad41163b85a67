package org.vtpcm.tests.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs attacks, records each one, and writes the matrix as {@code {"cases": [...]}}. */
public final class AttackMatrix {
    public static final Set<String> CATEGORIES = Set.of("authz", "replay", "clone", "tamper", "revocation", "injection", "dos",
            "secrets");
    private static final Logger LOG = LoggerFactory.getLogger(AttackMatrix.class);

    private final List<AttackCase> cases = new ArrayList<>();

    /** Sends the attack, compares the answer with the expectation, records both. */
    public synchronized Outcome attack(String id, String category, String attacker, String request, Expectation expected,
            Supplier<Outcome> attack) {
        Outcome observed;
        try {
            observed = attack.get();
        } catch (RuntimeException e) {
            observed = Outcome.refused("the probe itself failed: " + e);
        }
        record(id, category, attacker, request, expected.text(), observed.toString(), expected.test().test(observed));
        return observed;
    }

    /** Records a case whose check is not one HTTP answer (state after an attack, a log search). */
    public synchronized void record(String id, String category, String attacker, String request, String expected, String observed,
            boolean passed) {
        if (!CATEGORIES.contains(category)) {
            throw new IllegalArgumentException("unknown category " + category);
        }
        if (!id.matches("[a-z0-9.-]+")) {
            throw new IllegalArgumentException("case ids are lower-case words joined by '-': " + id);
        }
        // a rerun of a failed test method tries its attacks again: the latest observation stands
        cases.removeIf(existing -> existing.id().equals(id));
        AttackCase attackCase = new AttackCase(id, category, attacker, request, expected, observed, passed);
        cases.add(attackCase);
        LOG.info("attack {} [{}] by {}: {} -> {} ({})", id, category, attacker, request, observed, passed ? "passed" : "FAILED");
    }

    public synchronized List<AttackCase> cases() {
        return List.copyOf(cases);
    }

    public synchronized List<AttackCase> failed() {
        return cases.stream().filter(attackCase -> !attackCase.passed()).toList();
    }

    public synchronized void write(Path file) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("cases", cases);
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
    }
}
