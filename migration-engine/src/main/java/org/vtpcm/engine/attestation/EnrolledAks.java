package org.vtpcm.engine.attestation;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.store.SqliteDatabase;

/**
 * The attestation key each node enrolled with: the attester refuses quotes signed by any other.
 * Every enrollment that certifies an AK (through the engine's endpoint or {@code vtpcm-manager
 * enroll --ca-dir} on the engine's CA folder, as the lab does) records the AK's name in the cloud
 * CA's registry ({@code <ca.dir>/nodes}); enrollments through the engine also record the AK
 * certificate's serial in the engine's {@code node_enrollment} history, which pins the certificate
 * of the latest enrollment as well.
 */
public final class EnrolledAks {
    private final EnrollmentAuthority registry;
    private final SqliteDatabase database;

    public EnrolledAks(EnrollmentAuthority registry, SqliteDatabase database) {
        this.registry = requireNonNull(registry, "registry is null");
        this.database = requireNonNull(database, "database is null");
    }

    /**
     * What a node's quotes must be signed with.
     *
     * @param akName the TPM name of the enrolled AK (hex, nameAlg first)
     * @param certificateSerial the serial (hex) of the AK certificate of its latest enrollment, when the engine recorded it
     */
    public record Pin(String akName, Optional<String> certificateSerial) {
        public Pin {
            requireNonNull(akName, "akName is null");
            requireNonNull(certificateSerial, "certificateSerial is null");
        }
    }

    /** The node's pin; empty when it was never enrolled (or its name is not a node name). */
    public Optional<Pin> pin(String node) {
        if (node == null || !EnrollmentAuthority.NODE_NAME.matcher(node).matches()) {
            return Optional.empty();
        }
        Optional<Pin> latest = latestThroughEngine(node);
        Optional<String> registered = registry.registered(node).map(EnrollmentAuthority.RegisteredNode::akName).filter(name -> !name.isEmpty());
        if (registered.isEmpty()) {
            return latest;
        }
        // the registry is written by every enrollment, so it names the newest AK; the serial holds only if the engine's record is that enrollment
        String name = registered.get();
        Optional<String> serial = latest.filter(pin -> pin.akName().equalsIgnoreCase(name)).flatMap(Pin::certificateSerial);
        return Optional.of(new Pin(name, serial));
    }

    private Optional<Pin> latestThroughEngine(String node) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT ak_name, ak_serial FROM node_enrollment WHERE node = ? "
                    + "ORDER BY seq DESC LIMIT 1")) {
                select.setString(1, node);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(new Pin(row.getString("ak_name"), Optional.of(row.getString("ak_serial"))))
                            : Optional.<Pin>empty();
                }
            }
        });
    }
}
