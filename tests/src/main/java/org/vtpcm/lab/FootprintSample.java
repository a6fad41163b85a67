package org.vtpcm.lab;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalLong;

/**
 * The RSS (VmRSS, KiB) of what vtpcm runs on a node at one moment.
 *
 * @param managerKib the manager daemon
 * @param nodeInterposerKib the node's interposer service; empty when none runs
 * @param vtpcmSwtpmKib each running vTPCM's swtpm
 * @param perVmInterposerKib each vTPCM's own interposer (the old architecture); empty with a node interposer
 * @param idlePoolKib each swtpm of the manager's pool not given to a VM
 */
record FootprintSample(long managerKib, OptionalLong nodeInterposerKib, List<Long> vtpcmSwtpmKib, List<Long> perVmInterposerKib,
        List<Long> idlePoolKib) {
    FootprintSample {
        requireNonNull(nodeInterposerKib, "nodeInterposerKib is null");
        vtpcmSwtpmKib = List.copyOf(vtpcmSwtpmKib);
        perVmInterposerKib = List.copyOf(perVmInterposerKib);
        idlePoolKib = List.copyOf(idlePoolKib);
    }
}
