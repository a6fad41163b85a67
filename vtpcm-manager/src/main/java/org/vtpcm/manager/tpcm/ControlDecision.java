package org.vtpcm.manager.tpcm;

import java.util.List;

/**
 * What active control decided about starting a VM.
 *
 * @param start whether the VM may start
 * @param alert whether an alert is recorded (a mismatch under the audit policy)
 * @param reasons each required artifact that did not match
 */
public record ControlDecision(boolean start, boolean alert, List<String> reasons) {
    public ControlDecision {
        reasons = List.copyOf(reasons);
    }
}
