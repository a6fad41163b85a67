package org.vtpcm.manager.keys;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.store.StoreException;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * Per-vTPCM secrets in the node database, sealed under the node master key with the vTPCM id as
 * associated data (a sealed key moved to another row does not open).
 */
public final class VtpcmSecretStore {
    /** swtpm encrypts its state files with AES-256-CBC. */
    private static final int STATE_KEY_LENGTH = 32;

    private final SqliteDatabase database;
    private final NodeMasterKey masterKey;
    private final CryptoSuite suite;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public VtpcmSecretStore(SqliteDatabase database, NodeMasterKey masterKey, CryptoSuite suite) {
        this.database = requireNonNull(database, "database is null");
        this.masterKey = requireNonNull(masterKey, "masterKey is null");
        this.suite = requireNonNull(suite, "suite is null");
    }

    /** Creates fresh secrets for a new vTPCM. */
    public VtpcmKeys create(UUID vtpcmId) {
        KeyPair identity = suite.generateSigningKeyPair();
        byte[] stateKey = new byte[STATE_KEY_LENGTH];
        random.nextBytes(stateKey);
        VtpcmKeys keys = new VtpcmKeys(identity.getPublic(), identity.getPrivate(), stateKey);
        store(vtpcmId, keys);
        return keys;
    }

    /** Stores given secrets (an incoming vTPCM brings its identity along). */
    public void store(UUID vtpcmId, VtpcmKeys keys) {
        byte[] aad = aad(vtpcmId);
        byte[] sealedPrivate = masterKey.seal(suite.encodePrivateKey(keys.identityPrivate()), aad);
        byte[] sealedStateKey = masterKey.seal(keys.stateKey(), aad);
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT OR REPLACE INTO vtpcm_secret "
                    + "(vtpcm_id, suite, identity_public, identity_private_sealed, state_key_sealed) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, vtpcmId.toString());
                insert.setString(2, suite.name().name());
                insert.setBytes(3, suite.encodePublicKey(keys.identityPublic()));
                insert.setBytes(4, sealedPrivate);
                insert.setBytes(5, sealedStateKey);
                insert.executeUpdate();
            }
            return null;
        });
    }

    public Optional<VtpcmKeys> load(UUID vtpcmId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT suite, identity_public, identity_private_sealed, "
                    + "state_key_sealed FROM vtpcm_secret WHERE vtpcm_id = ?")) {
                query.setString(1, vtpcmId.toString());
                try (ResultSet result = query.executeQuery()) {
                    if (!result.next()) {
                        return Optional.empty();
                    }
                    if (!suite.name().name().equals(result.getString(1))) {
                        throw new StoreException("vTPCM " + vtpcmId + " was created with suite " + result.getString(1)
                                + " but this manager runs suite " + suite.name());
                    }
                    byte[] aad = aad(vtpcmId);
                    PublicKey publicKey = suite.decodePublicKey(result.getBytes(2));
                    return Optional.of(new VtpcmKeys(publicKey, suite.decodePrivateKey(masterKey.open(result.getBytes(3), aad)),
                            masterKey.open(result.getBytes(4), aad)));
                }
            }
        });
    }

    /** The identity public key only (no unsealing). */
    public Optional<PublicKey> identityPublic(UUID vtpcmId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT identity_public FROM vtpcm_secret WHERE vtpcm_id = ?")) {
                query.setString(1, vtpcmId.toString());
                try (ResultSet result = query.executeQuery()) {
                    return result.next() ? Optional.of(suite.decodePublicKey(result.getBytes(1))) : Optional.empty();
                }
            }
        });
    }

    /** Erases the secrets (secure_delete overwrites the freed pages). */
    public void erase(UUID vtpcmId) {
        database.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM vtpcm_secret WHERE vtpcm_id = ?")) {
                delete.setString(1, vtpcmId.toString());
                delete.executeUpdate();
            }
            return null;
        });
    }

    private static byte[] aad(UUID vtpcmId) {
        return ("vtpcm-secret:" + vtpcmId).getBytes(StandardCharsets.US_ASCII);
    }
}
