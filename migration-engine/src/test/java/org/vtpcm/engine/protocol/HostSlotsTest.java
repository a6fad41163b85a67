package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostSlotsTest {
    @Test
    void aSecondMigrationWaitsForTheBusyHostsSlot() throws Exception {
        HostSlots slots = new HostSlots(Map.of("n1", 1, "n2", 2, "n3", 2));
        slots.acquire("n1", "n2");
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            slots.acquire("n3", "n1");
            acquired.countDown();
            slots.releaseHeld();
        });
        waiter.start();
        assertTrue(!acquired.await(200, TimeUnit.MILLISECONDS), "n1 allows one migration at once");
        assertEquals(1, slots.inUse("n2"));
        slots.releaseHeld();
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
        waiter.join();
        assertEquals(0, slots.inUse("n1"));
        assertEquals(0, slots.inUse("n3"));
    }
}
