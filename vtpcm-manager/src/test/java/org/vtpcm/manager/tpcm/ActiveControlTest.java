package org.vtpcm.manager.tpcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vtpcm.manager.association.ControlPolicy;

class ActiveControlTest {
    private static final ArtifactMeasurement GOOD_KERNEL = new ArtifactMeasurement(ArtifactKind.KERNEL, "/k", "aa", true, true, "");
    private static final ArtifactMeasurement BAD_INITRD = new ArtifactMeasurement(ArtifactKind.INITRD, "/i", "bb", false, true,
            "no matching reference value");
    private static final ArtifactMeasurement UNENFORCED_DOMAIN = new ArtifactMeasurement(ArtifactKind.DOMAIN, "domain", "cc", false,
            false, "no matching reference value");

    @Test
    void allTrustedStartsWithoutAlert() {
        ControlDecision decision = ActiveControl.decide(ControlPolicy.DENY, List.of(GOOD_KERNEL, UNENFORCED_DOMAIN));
        assertTrue(decision.start());
        assertFalse(decision.alert());
        assertEquals(List.of(), decision.reasons());
    }

    @Test
    void denyRefusesAMismatch() {
        ControlDecision decision = ActiveControl.decide(ControlPolicy.DENY, List.of(GOOD_KERNEL, BAD_INITRD));
        assertFalse(decision.start());
        assertEquals(List.of("initrd /i: no matching reference value"), decision.reasons());
    }

    @Test
    void auditStartsAndAlerts() {
        ControlDecision decision = ActiveControl.decide(ControlPolicy.AUDIT, List.of(BAD_INITRD));
        assertTrue(decision.start());
        assertTrue(decision.alert());
        assertEquals(1, decision.reasons().size());
    }
}
