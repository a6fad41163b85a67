package org.vtpcm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NovaGuestConsoleTest {
    @TempDir
    Path folder;

    private static String step(int seq, int nv) {
        return "tpmcheck seq=" + seq + " pcr16=ab nv=" + nv + " ok\n";
    }

    @Test
    void stepsFromBothNodesJoinAndALineCutBySwitchoverIsNoBreak() throws Exception {
        Path n1 = Files.writeString(folder.resolve("n1.log"), "tpmcheck boot pcr16=00 nv=5\n" + step(1, 6) + step(2, 7) + "tpmcheck se");
        Path n2 = Files.writeString(folder.resolve("n2.log"), "q=3 pcr16=ab nv=8 ok\n" + step(4, 9) + step(5, 10));
        NovaGuestConsole console = new NovaGuestConsole(List.of(n1, n2));
        ContinuityVerdict verdict = console.verdict();
        assertTrue(verdict.continuous(), verdict.summary());
        assertEquals(5, console.lastSeq());
        assertEquals(4, verdict.steps());
    }

    @Test
    void aLongerGapAFailureOrAnNvThatDidNotContinueIsABreak() throws Exception {
        Path gap = Files.writeString(folder.resolve("gap.log"), step(1, 1) + step(4, 4));
        assertFalse(new NovaGuestConsole(List.of(gap)).verdict().continuous());
        Path fail = Files.writeString(folder.resolve("fail.log"), step(1, 1) + "tpmcheck seq=2 pcr16=ab nv=2 fail reason=pcr16-discontinuity\n");
        assertFalse(new NovaGuestConsole(List.of(fail)).verdict().continuous());
        Path rolledBack = Files.writeString(folder.resolve("nv.log"), step(1, 7) + step(2, 8) + step(3, 5));
        assertFalse(new NovaGuestConsole(List.of(rolledBack)).verdict().continuous(), "an NV counter that went back is a break");
        Path skippedState = Files.writeString(folder.resolve("skip.log"), step(1, 7) + step(3, 10));
        assertFalse(new NovaGuestConsole(List.of(skippedState)).verdict().continuous());
    }
}
