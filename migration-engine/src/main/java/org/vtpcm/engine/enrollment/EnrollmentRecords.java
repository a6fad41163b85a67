package org.vtpcm.engine.enrollment;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.time.Instant;
import org.vtpcm.attestation.enrollment.CertifiedNode;
import org.vtpcm.protocol.store.SqliteDatabase;

/** The history of node enrollments through the engine (append-only, enforced by the database): who, when, with which token and TPM. */
public final class EnrollmentRecords {
    private final SqliteDatabase database;

    public EnrollmentRecords(SqliteDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** Records one enrollment. */
    public void record(String node, String tokenId, Instant at, String ekSha256, String akName, CertifiedNode certified,
            boolean reEnrollment) {
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO node_enrollment (node, token_id, at, ek_sha256, "
                    + "ak_name, ak_serial, tls_serial, migration_tls_serial, re_enrollment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, node);
                insert.setString(2, tokenId);
                insert.setString(3, at.toString());
                insert.setString(4, ekSha256);
                insert.setString(5, akName);
                insert.setString(6, certified.akCertificate().getSerialNumber().toString(16));
                insert.setString(7, certified.tlsCertificate().getSerialNumber().toString(16));
                insert.setString(8, certified.migrationTlsCertificate().getSerialNumber().toString(16));
                insert.setInt(9, reEnrollment ? 1 : 0);
                insert.executeUpdate();
            }
            return null;
        });
    }
}
