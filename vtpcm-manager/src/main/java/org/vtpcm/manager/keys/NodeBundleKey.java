package org.vtpcm.manager.keys;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.vtpcm.protocol.crypto.CryptoSuite;

/**
 * The node's key for signing the state bundles it sends (SM2 in the sm suite), sealed at rest with
 * the node master key. Its public half is published on GET /v1/node, reached only over mutual TLS.
 */
public final class NodeBundleKey {
    private static final byte[] AAD = "vtpcm node bundle signing key".getBytes(StandardCharsets.US_ASCII);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private NodeBundleKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static NodeBundleKey loadOrCreate(Path directory, NodeMasterKey masterKey, CryptoSuite suite) {
        requireNonNull(directory, "directory is null");
        Path sealedFile = directory.resolve("bundle-signing-" + suite.name().name().toLowerCase(java.util.Locale.ROOT) + ".sealed");
        Path publicFile = directory.resolve("bundle-signing-" + suite.name().name().toLowerCase(java.util.Locale.ROOT) + ".pub");
        try {
            if (!Files.exists(sealedFile)) {
                KeyPair fresh = suite.generateSigningKeyPair();
                Files.createDirectories(directory);
                write(publicFile, suite.encodePublicKey(fresh.getPublic()));
                write(sealedFile, masterKey.seal(suite.encodePrivateKey(fresh.getPrivate()), AAD));
            }
            PrivateKey privateKey = suite.decodePrivateKey(masterKey.open(Files.readAllBytes(sealedFile), AAD));
            return new NodeBundleKey(privateKey, suite.decodePublicKey(Files.readAllBytes(publicFile)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot load the node's bundle signing key from " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".key", ".tmp");
        Files.write(temporary, bytes);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
