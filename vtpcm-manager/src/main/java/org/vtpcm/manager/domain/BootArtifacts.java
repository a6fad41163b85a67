package org.vtpcm.manager.domain;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a VM boots from, read from its domain XML: measured by the TPCM layer before every start.
 *
 * @param kernel direct-boot kernel, if any
 * @param initrd direct-boot initramfs, if any
 * @param disks file-backed disk images (and overlays), in device order
 * @param launchDescriptor canonical text of the launch-relevant parts of the domain definition
 */
public record BootArtifacts(Optional<Path> kernel, Optional<Path> initrd, List<Path> disks, String launchDescriptor) {
    public BootArtifacts {
        requireNonNull(kernel, "kernel is null");
        requireNonNull(initrd, "initrd is null");
        disks = List.copyOf(disks);
        requireNonNull(launchDescriptor, "launchDescriptor is null");
    }
}
