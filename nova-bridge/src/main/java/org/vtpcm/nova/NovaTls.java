package org.vtpcm.nova;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.vtpcm.service.config.ConfigException;

/** The TLS context for Keystone and Nova: the JDK's trust store, or only the CAs of a PEM bundle. */
public final class NovaTls {
    private NovaTls() {
    }

    public static SSLContext context(Optional<Path> caFile) {
        try {
            if (caFile.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int index = 0;
            try (InputStream in = Files.newInputStream(caFile.get())) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + index++, certificate);
                }
            }
            if (index == 0) {
                throw new ConfigException("invalid Nova settings: nova.ca-file " + caFile.get() + " holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("invalid Nova settings: nova.ca-file " + caFile.orElse(null) + ": " + e.getMessage());
        }
    }
}
