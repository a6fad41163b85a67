package org.vtpcm.service.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    @Test
    void stopsInReverseOrderOnceEvenIfAStopFails() {
        List<String> events = new ArrayList<>();
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.opened("database", () -> events.add("close database"));
        lifecycle.start("api", () -> events.add("start api"), () -> {
            events.add("stop api");
            throw new IllegalStateException("stuck");
        });
        lifecycle.run("recover", () -> events.add("recover"));
        lifecycle.start("scheduler", () -> events.add("start scheduler"), () -> events.add("stop scheduler"));

        lifecycle.close();
        lifecycle.close();

        assertEquals(List.of("start api", "recover", "start scheduler", "stop scheduler", "stop api", "close database"), events);
        assertThrows(IllegalStateException.class, () -> lifecycle.run("late", () -> { }));
    }

    @Test
    void aStepThatFailsToStartStopsTheOnesBeforeIt() {
        List<String> events = new ArrayList<>();
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.opened("database", () -> events.add("close database"));
        assertThrows(IllegalStateException.class, () -> lifecycle.start("api", () -> {
            throw new IllegalStateException("port taken");
        }, () -> events.add("stop api")));
        assertEquals(List.of("close database"), events);
    }
}
