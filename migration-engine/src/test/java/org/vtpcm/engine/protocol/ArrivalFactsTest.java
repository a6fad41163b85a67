package org.vtpcm.engine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The guest's downtime out of QEMU's figure, the switchover's times and the resume. */
class ArrivalFactsTest {
    static final Instant SUSPENDED = Instant.parse("2026-01-01T00:00:01.200Z");
    static final Instant ENDED = Instant.parse("2026-01-01T00:00:01.500Z");
    static final Instant RESUMED = Instant.parse("2026-01-01T00:00:03Z");

    @Test
    void verifyBeforeResumeCountsFromTheGuestsStopAtTheSourceToItsResume() {
        assertEquals(new ArrivalFacts(40, 1500, 1800), ArrivalFacts.of(40, true, new SwitchoverFacts(ENDED, SUSPENDED), RESUMED));
    }

    @Test
    void withoutTheSourcesSuspendTimeItIsQemusFigurePlusThePause() {
        assertEquals(new ArrivalFacts(40, 1500, 1540), ArrivalFacts.of(40, true, new SwitchoverFacts(ENDED, null), RESUMED));
    }

    @Test
    void aSwitchoverKnownOnlyAfterTheFactGivesQemusFigure() {
        assertEquals(new ArrivalFacts(40, 0, 40), ArrivalFacts.of(40, true, SwitchoverFacts.unknownTimes(), RESUMED));
    }

    @Test
    void resumeFirstIsQemusFigureWithNoPauseWhateverTheTimes() {
        assertEquals(new ArrivalFacts(40, 0, 40), ArrivalFacts.of(40, false, new SwitchoverFacts(ENDED, SUSPENDED), RESUMED));
    }

    @Test
    void anUnknownQemuFigureIsUnknownDowntimeUnlessTheSuspendTimeIsKnown() {
        assertEquals(new ArrivalFacts(-1, 1500, -1), ArrivalFacts.of(-1, true, new SwitchoverFacts(ENDED, null), RESUMED));
        assertEquals(new ArrivalFacts(-1, 0, -1), ArrivalFacts.of(-1, false, new SwitchoverFacts(ENDED, SUSPENDED), RESUMED));
        assertEquals(new ArrivalFacts(-1, 1500, 1800), ArrivalFacts.of(-1, true, new SwitchoverFacts(ENDED, SUSPENDED), RESUMED));
    }

    @Test
    void clocksAnHourApartNeverGiveANegativeFigure() {
        Instant early = ENDED.minusSeconds(3600);
        assertEquals(new ArrivalFacts(40, 0, 0), ArrivalFacts.of(40, true, new SwitchoverFacts(ENDED, SUSPENDED), early));
    }

    @Test
    void unknownIsNoFigureAndNoPause() {
        assertEquals(new ArrivalFacts(-1, 0, -1), ArrivalFacts.UNKNOWN);
    }
}
