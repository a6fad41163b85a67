package org.vtpcm.manager.tpcm;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.vtpcm.manager.domain.BootArtifacts;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * Measures a VM's boot artifacts with the node's suite (SM3 by default) and checks each against
 * the reference-value library. Kernel, initrd and disks are always enforced; the domain launch
 * descriptor is enforced once the library holds a domain reference value.
 */
public final class BootMeasurer {
    private final CryptoSuite suite;
    private final ReferenceValueLibrary library;

    @Inject
    public BootMeasurer(CryptoSuite suite, ReferenceValueLibrary library) {
        this.suite = requireNonNull(suite, "suite is null");
        this.library = requireNonNull(library, "library is null");
    }

    public List<ArtifactMeasurement> measure(BootArtifacts artifacts) {
        List<ArtifactMeasurement> measurements = new ArrayList<>();
        file(ArtifactKind.KERNEL, artifacts.kernel()).ifPresent(measurements::add);
        file(ArtifactKind.INITRD, artifacts.initrd()).ifPresent(measurements::add);
        for (Path disk : artifacts.disks()) {
            file(ArtifactKind.DISK, Optional.of(disk)).ifPresent(measurements::add);
        }
        String domainDigest = HexFormat.of().formatHex(suite.digest(artifacts.launchDescriptor().getBytes(StandardCharsets.UTF_8)));
        boolean trusted = library.trusts(ArtifactKind.DOMAIN, domainDigest);
        measurements.add(new ArtifactMeasurement(ArtifactKind.DOMAIN, "domain", domainDigest, trusted,
                library.hasAny(ArtifactKind.DOMAIN), trusted ? "" : "no matching reference value"));
        return List.copyOf(measurements);
    }

    /** The digest of one file, hex, in the node's suite. */
    public String digestFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(suite.digest(in));
        }
    }

    private Optional<ArtifactMeasurement> file(ArtifactKind kind, Optional<Path> path) {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        String target = path.get().toString();
        try {
            String digest = digestFile(path.get());
            boolean trusted = library.trusts(kind, digest);
            return Optional.of(new ArtifactMeasurement(kind, target, digest, trusted, true, trusted ? "" : "no matching reference value"));
        } catch (IOException e) {
            return Optional.of(new ArtifactMeasurement(kind, target, "", false, true, "cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
    }
}
