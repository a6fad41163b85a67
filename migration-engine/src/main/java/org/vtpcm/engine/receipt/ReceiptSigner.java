package org.vtpcm.engine.receipt;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.vtpcm.protocol.store.SqliteDatabase;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * Signs receipts with the engine's own key (SM2 under the sm suite) and keeps them. The key lives
 * in the engine's state folder, readable only by the engine's user.
 */
public final class ReceiptSigner {
    private final CryptoSuite suite;
    private final SqliteDatabase database;
    private final ObjectMapper json = new ObjectMapper();
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public ReceiptSigner(CryptoSuite suite, SqliteDatabase database, Path keyDirectory) {
        this.suite = requireNonNull(suite, "suite is null");
        this.database = requireNonNull(database, "database is null");
        KeyPair pair = loadOrCreate(keyDirectory);
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
    }

    public SignedReceipt sign(Receipt receipt) {
        byte[] canonical = canonical(receipt);
        SignedReceipt signed = new SignedReceipt(receipt, suite.name().name().toLowerCase(java.util.Locale.ROOT),
                HexFormat.of().formatHex(suite.sign(privateKey, canonical)), HexFormat.of().formatHex(suite.encodePublicKey(publicKey)));
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT OR REPLACE INTO receipt (migration_id, body, suite, signature, "
                    + "signing_key) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, receipt.migrationId().toString());
                insert.setString(2, new String(canonical, StandardCharsets.UTF_8));
                insert.setString(3, signed.suite());
                insert.setString(4, signed.signature());
                insert.setString(5, signed.signingKey());
                insert.executeUpdate();
            }
            return null;
        });
        return signed;
    }

    public Optional<SignedReceipt> find(UUID migrationId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM receipt WHERE migration_id = ?")) {
                select.setString(1, migrationId.toString());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    Receipt receipt = json.readValue(row.getString("body"), Receipt.class);
                    return Optional.of(new SignedReceipt(receipt, row.getString("suite"), row.getString("signature"),
                            row.getString("signing_key")));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("a stored receipt is malformed: " + e.getMessage());
                }
            }
        });
    }

    /** Whether the signature covers this receipt, under this engine's key. */
    public boolean verify(SignedReceipt signed) {
        try {
            return suite.verify(publicKey, canonical(signed.receipt()), HexFormat.of().parseHex(signed.signature()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private byte[] canonical(Receipt receipt) {
        try {
            return json.writeValueAsBytes(receipt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private KeyPair loadOrCreate(Path directory) {
        Path privateFile = directory.resolve("receipt.key");
        Path publicFile = directory.resolve("receipt.pub");
        try {
            if (Files.exists(privateFile)) {
                return new KeyPair(suite.decodePublicKey(Files.readAllBytes(publicFile)), suite.decodePrivateKey(Files.readAllBytes(privateFile)));
            }
            Files.createDirectories(directory);
            KeyPair pair = suite.generateSigningKeyPair();
            Path temporary = Files.createTempFile(directory, ".receipt", ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.write(temporary, suite.encodePrivateKey(pair.getPrivate()));
            Files.write(publicFile, suite.encodePublicKey(pair.getPublic()));
            Files.move(temporary, privateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return pair;
        } catch (IOException e) {
            throw new IllegalStateException("cannot load or create the receipt key in " + directory + ": " + e.getMessage(), e);
        }
    }
}
