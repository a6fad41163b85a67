package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResourcesTest {
    @Test
    void closesWhatItOwnsOnceInReverseOrderEvenWhenOneFails() {
        List<String> closed = new ArrayList<>();
        BenchResources resources = new BenchResources("bench test");
        resources.own(() -> closed.add("cloud"));
        resources.own(() -> {
            closed.add("connections");
            throw new IllegalStateException("already gone");
        });
        resources.own(() -> closed.add("servers"));
        resources.close();
        resources.close();
        assertEquals(List.of("servers", "connections", "cloud"), closed);
    }
}
