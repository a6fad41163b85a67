package org.vtpcm.engine.certificates;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.math.BigInteger;
import java.security.cert.CRLException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vtpcm.attestation.enrollment.EnrollmentAuthority;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.pki.ClientRoles;
import org.vtpcm.protocol.pki.CloudCa;
import org.vtpcm.protocol.pki.Role;
import org.vtpcm.protocol.tls.Revocations;

/**
 * Every certificate the engine's cloud CA issues, in the engine's database: the engine's own
 * identity, each enrollment's node-manager, node-qemu and AK certificates, and the client
 * identities of {@code vtpcm-engine issue-client}. A revocation is final (the database refuses to
 * change a revoked row) and, in the same transaction, issues the next revocation list with a higher
 * CRL number; {@link #onChange} listeners then push it to the managers.
 *
 * <p>As the engine's {@link Revocations}, it answers every TLS handshake from an in-memory set of
 * the revoked serials, replaced after each change.
 */
public final class CertificateRegistry implements Revocations {
    /** A revocation list's life; it is reissued (same entries, next number) once half of it has passed. */
    public static final Duration LIST_VALIDITY = Duration.ofDays(7);
    /** What enrollment issues a node; a re-enrollment revokes the node's earlier ones of these (not its nova-compute identity). */
    static final Set<String> ENROLLED_ROLES = Set.of(Role.NODE_MANAGER.label(), Role.NODE_QEMU.label(), CertificateRecord.ATTESTATION_KEY);
    /** Expired certificates stay on the list this long (clock skew between hosts), then drop off it. */
    private static final Duration EXPIRED_GRACE = Duration.ofDays(1);
    private static final Pattern SERIAL = Pattern.compile("(0x)?[0-9A-Fa-f:]{1,60}");
    private static final int MAX_REASON = 200;
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRegistry.class);

    private final SqliteDatabase database;
    private final CloudCa ca;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Set<BigInteger> revoked;

    @Inject
    public CertificateRegistry(SqliteDatabase database, CloudCa ca, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.ca = requireNonNull(ca, "ca is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.revoked = database.inTransaction(CertificateRegistry::revokedSerials);
    }

    @Override
    public boolean isRevoked(X509Certificate certificate) {
        return revoked.contains(certificate.getSerialNumber());
    }

    /** Runs {@code listener} after every change of the revocation list (on the changing thread). */
    public void onChange(Runnable listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Records a certificate the CA just issued (again: nothing happens). */
    public void record(X509Certificate certificate, Optional<String> node) {
        database.inTransaction(connection -> {
            insert(connection, certificate, node);
            return null;
        });
    }

    /** Records a client identity; a {@code nova-compute.<node>} one belongs to its node (revoked with it). */
    public void recordClient(X509Certificate certificate) {
        String subject = commonName(certificate);
        boolean compute = Role.of(certificate).filter(Role.NOVA_COMPUTE::equals).isPresent()
                && subject.startsWith(ClientRoles.COMPUTE_PREFIX);
        record(certificate, compute ? Optional.of(subject.substring(ClientRoles.COMPUTE_PREFIX.length())) : Optional.empty());
    }

    /**
     * Records what one enrollment issued {@code node} and revokes the node's earlier enrollment
     * certificates (node-manager, node-qemu, AK), all in one transaction with the next revocation list.
     *
     * @return the certificates revoked
     */
    public List<CertificateRecord> enrolled(String node, Collection<X509Certificate> issued) {
        requireNonNull(node, "node is null");
        Set<String> fresh = new HashSet<>();
        issued.forEach(certificate -> fresh.add(hex(certificate.getSerialNumber())));
        return change(connection -> {
            for (X509Certificate certificate : issued) {
                insert(connection, certificate, Optional.of(node));
            }
            List<CertificateRecord> earlier = new ArrayList<>();
            for (CertificateRecord record : select(connection, "node = ? AND revoked_at IS NULL", node)) {
                if (ENROLLED_ROLES.contains(record.role()) && !fresh.contains(record.serial())) {
                    earlier.add(record);
                }
            }
            return revokeAll(connection, earlier, "superseded: node " + node + " enrolled again", "enrollment");
        });
    }

    /**
     * Revokes one certificate.
     *
     * @throws CertificateRefusal 400 for a malformed serial or reason, 404 for a serial the registry does not hold, 409 if revoked already
     */
    public CertificateRecord revoke(String serial, String reason, String by) {
        String normalised = serial(serial);
        String why = reason(reason);
        List<CertificateRecord> revokedNow = change(connection -> {
            List<CertificateRecord> found = select(connection, "serial = ?", normalised);
            if (found.isEmpty()) {
                throw new CertificateRefusal(404, "NOT_FOUND", "no certificate with serial " + normalised + " in the engine's registry");
            }
            if (found.get(0).revokedAt() != null) {
                throw new CertificateRefusal(409, "ALREADY_REVOKED", "certificate " + normalised + " was revoked at "
                        + found.get(0).revokedAt() + " (" + found.get(0).revocationReason() + ")");
            }
            return revokeAll(connection, found, why, by);
        });
        return revokedNow.get(0);
    }

    /** Revokes every unrevoked certificate of {@code node}, whatever its role; an empty list when there was none. */
    public List<CertificateRecord> revokeNode(String node, String reason, String by) {
        requireNonNull(node, "node is null");
        String why = reason(reason);
        return change(connection -> revokeAll(connection, select(connection, "node = ? AND revoked_at IS NULL", node), why, by));
    }

    /** Revokes every unrevoked certificate of a node that is not in {@code hosts} (removed from the configuration). */
    public List<CertificateRecord> revokeNodesOtherThan(Set<String> hosts, String by) {
        Set<String> kept = Set.copyOf(hosts);
        return change(connection -> {
            List<CertificateRecord> removed = new ArrayList<>();
            for (CertificateRecord record : select(connection, "node IS NOT NULL AND revoked_at IS NULL")) {
                if (!kept.contains(record.node())) {
                    removed.add(record);
                }
            }
            List<CertificateRecord> done = new ArrayList<>();
            for (CertificateRecord record : removed) {
                done.addAll(revokeAll(connection, List.of(record), "node " + record.node() + " was removed from the engine's hosts", by));
            }
            return done;
        });
    }

    /** The certificates held, newest first; only {@code node}'s when given. */
    public List<CertificateRecord> list(Optional<String> node) {
        return database.inTransaction(connection -> node.isPresent() ? select(connection, "node = ?", node.get())
                : select(connection, "1 = 1"));
    }

    /** The certificate with this serial (hex, any case, colons allowed), if the registry holds it. */
    public Optional<CertificateRecord> find(String serial) {
        String normalised = serial(serial);
        return database.inTransaction(connection -> select(connection, "serial = ?", normalised).stream().findFirst());
    }

    /** The current revocation list; the first one is issued (number 1) when there is none yet. */
    public PublishedList current() {
        Optional<PublishedList> held = database.inTransaction(CertificateRegistry::stored);
        if (held.isPresent()) {
            return held.get();
        }
        change(connection -> List.of(), true);
        return database.inTransaction(CertificateRegistry::stored).orElseThrow();
    }

    /** Reissues the list (same entries, next number) when half its validity has passed; the list held afterwards. */
    public PublishedList reissueIfDue() {
        PublishedList held = current();
        Instant half = held.issuedAt().plus(Duration.between(held.issuedAt(), held.nextUpdate()).dividedBy(2));
        if (clock.instant().isBefore(half)) {
            return held;
        }
        change(connection -> List.of(), true);
        return current();
    }

    /** A serial as operators type it (hex, any case, {@code 0x} or colons allowed) in the registry's form; 400 otherwise. */
    public static String serial(String text) {
        String value = text == null ? "" : text.trim();
        if (!SERIAL.matcher(value).matches()) {
            throw new CertificateRefusal(400, "BAD_REQUEST", "a serial is the certificate's serial number in hex (as `vtpcm certs list` "
                    + "shows it)");
        }
        String digits = value.replaceFirst("^0x", "").replace(":", "");
        if (digits.isEmpty() || digits.length() > 40) {
            throw new CertificateRefusal(400, "BAD_REQUEST", "a serial is 1 to 40 hex digits");
        }
        return hex(new BigInteger(digits, 16));
    }

    /** A revocation reason: 1..200 printable characters, trimmed; 400 otherwise (it goes into logs and lists). */
    public static String reason(String text) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty() || value.length() > MAX_REASON || value.chars().anyMatch(Character::isISOControl)) {
            throw new CertificateRefusal(400, "BAD_REQUEST", "a revocation reason is 1.." + MAX_REASON
                    + " characters on one line");
        }
        return value;
    }

    // in one transaction: the change, the next revocation list; then the in-memory set and the listeners
    private List<CertificateRecord> change(SqliteDatabase.SqlWork<List<CertificateRecord>> work) {
        return change(work, false);
    }

    private synchronized List<CertificateRecord> change(SqliteDatabase.SqlWork<List<CertificateRecord>> work, boolean newList) {
        Instant now = clock.instant();
        List<CertificateRecord> changed = database.inTransaction(connection -> {
            List<CertificateRecord> result = work.run(connection);
            if (newList || !result.isEmpty()) {
                issueList(connection, now);
            }
            return result;
        });
        if (!newList && changed.isEmpty()) {
            return changed;
        }
        revoked = database.inTransaction(CertificateRegistry::revokedSerials);
        for (CertificateRecord record : changed) {
            LOG.warn("certificate {} ({} '{}'{}) revoked: {}", record.serial(), record.role(), record.subject(),
                    record.node() == null ? "" : ", node " + record.node(), record.revocationReason());
        }
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("a revocation listener failed: {}", e.getMessage());
            }
        }
        return changed;
    }

    private List<CertificateRecord> revokeAll(Connection connection, List<CertificateRecord> records, String reason, String by)
            throws SQLException {
        Instant now = clock.instant();
        List<CertificateRecord> done = new ArrayList<>();
        try (PreparedStatement update = connection.prepareStatement("UPDATE certificate SET revoked_at = ?, revocation_reason = ?, "
                + "revoked_by = ? WHERE serial = ? AND revoked_at IS NULL")) {
            for (CertificateRecord record : records) {
                update.setString(1, now.toString());
                update.setString(2, reason);
                update.setString(3, by);
                update.setString(4, record.serial());
                if (update.executeUpdate() == 1) {
                    done.add(new CertificateRecord(record.serial(), record.subject(), record.role(), record.node(), record.issuedAt(),
                            record.notAfter(), now, reason, by, CertificateRecord.State.REVOKED));
                }
            }
        }
        return done;
    }

    private void issueList(Connection connection, Instant now) throws SQLException {
        List<BigInteger> serials = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT serial, not_after FROM certificate WHERE revoked_at IS NOT NULL")) {
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (Instant.parse(row.getString(2)).plus(EXPIRED_GRACE).isAfter(now)) {
                        serials.add(new BigInteger(row.getString(1), 16));
                    }
                }
            }
        }
        long number = stored(connection).map(list -> list.number().longValueExact() + 1).orElse(1L);
        X509CRL crl = ca.issueRevocationList(serials, BigInteger.valueOf(number), LIST_VALIDITY);
        byte[] der;
        try {
            der = crl.getEncoded();
        } catch (CRLException e) {
            throw new IllegalStateException("cannot encode the revocation list", e);
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO revocation_list (id, number, issued_at, next_update, der) "
                + "VALUES (1, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET number = excluded.number, issued_at = excluded.issued_at, "
                + "next_update = excluded.next_update, der = excluded.der")) {
            upsert.setLong(1, number);
            upsert.setString(2, now.toString());
            upsert.setString(3, crl.getNextUpdate().toInstant().toString());
            upsert.setBytes(4, der);
            upsert.executeUpdate();
        }
        LOG.info("revocation list {} issued: {} certificate(s) revoked", number, serials.size());
    }

    private static Optional<PublishedList> stored(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT number, issued_at, next_update, der FROM revocation_list "
                + "WHERE id = 1"); ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(new PublishedList(BigInteger.valueOf(row.getLong(1)), Instant.parse(row.getString(2)),
                    Instant.parse(row.getString(3)), row.getBytes(4))) : Optional.empty();
        }
    }

    private void insert(Connection connection, X509Certificate certificate, Optional<String> node) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO certificate (serial, subject, role, node, issued_at, "
                + "not_after) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(serial) DO NOTHING")) {
            insert.setString(1, hex(certificate.getSerialNumber()));
            insert.setString(2, commonName(certificate));
            insert.setString(3, role(certificate));
            insert.setString(4, node.orElse(null));
            insert.setString(5, clock.instant().toString());
            insert.setString(6, certificate.getNotAfter().toInstant().toString());
            insert.executeUpdate();
        }
    }

    private List<CertificateRecord> select(Connection connection, String where, String... parameters) throws SQLException {
        Instant now = clock.instant();
        List<CertificateRecord> records = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM certificate WHERE " + where
                + " ORDER BY issued_at DESC, serial")) {
            for (int index = 0; index < parameters.length; index++) {
                select.setString(index + 1, parameters[index]);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    Instant notAfter = Instant.parse(row.getString("not_after"));
                    Instant revokedAt = row.getString("revoked_at") == null ? null : Instant.parse(row.getString("revoked_at"));
                    CertificateRecord.State state = revokedAt != null ? CertificateRecord.State.REVOKED
                            : now.isBefore(notAfter) ? CertificateRecord.State.VALID : CertificateRecord.State.EXPIRED;
                    records.add(new CertificateRecord(row.getString("serial"), row.getString("subject"), row.getString("role"),
                            row.getString("node"), Instant.parse(row.getString("issued_at")), notAfter, revokedAt,
                            row.getString("revocation_reason"), row.getString("revoked_by"), state));
                }
            }
        }
        return records;
    }

    private static Set<BigInteger> revokedSerials(Connection connection) throws SQLException {
        Set<BigInteger> serials = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT serial FROM certificate WHERE revoked_at IS NOT NULL");
                ResultSet row = select.executeQuery()) {
            while (row.next()) {
                serials.add(new BigInteger(row.getString(1), 16));
            }
        }
        return Set.copyOf(serials);
    }

    private static String role(X509Certificate certificate) {
        Optional<Role> role = Role.of(certificate);
        if (role.isPresent()) {
            return role.get().label();
        }
        try {
            List<String> purposes = certificate.getExtendedKeyUsage();
            if (purposes != null && purposes.contains(EnrollmentAuthority.AK_CERTIFICATE_PURPOSE)) {
                return CertificateRecord.ATTESTATION_KEY;
            }
        } catch (CertificateParsingException e) {
            // falls through to the refusal below
        }
        throw new IllegalArgumentException("certificate " + hex(certificate.getSerialNumber()) + " carries no role the registry knows");
    }

    static String commonName(X509Certificate certificate) {
        RDN[] names = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return names.length == 0 ? certificate.getSubjectX500Principal().getName() : IETFUtils.valueToString(names[0].getFirst().getValue());
    }

    static String hex(BigInteger serial) {
        return serial.toString(16);
    }
}
