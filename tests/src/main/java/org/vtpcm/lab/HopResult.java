package org.vtpcm.lab;

/**
 * One live migration of the lab guest.
 *
 * @param from source node name
 * @param to destination node name
 * @param wallMillis wall-clock time of the migrate call
 * @param libvirtElapsedMillis libvirt's time_elapsed of the job, -1 if unknown
 * @param qemuDowntimeMillis QEMU's downtime figure, -1 if unknown
 * @param transferredBytes memory bytes sent, -1 if unknown
 * @param sourceTpmEngineGone whether the source swtpm exited after the switchover
 * @param lastSeqBefore the guest's last step before the hop
 * @param firstSeqAfter the first step the guest reported after the hop
 */
public record HopResult(String from, String to, long wallMillis, long libvirtElapsedMillis, long qemuDowntimeMillis,
        long transferredBytes, boolean sourceTpmEngineGone, long lastSeqBefore, long firstSeqAfter) {
}
