package org.vtpcm.manager.api;

import java.security.PublicKey;
import org.vtpcm.protocol.crypto.CryptoSuite;
import org.vtpcm.service.rest.BadRequestException;
import org.vtpcm.service.rest.Requests;

/** A public key of this node's suite in a request, as hex: 400 if it is not one. */
final class SuitePublicKeys {
    private SuitePublicKeys() {
    }

    static PublicKey decode(CryptoSuite suite, String hex, String field) {
        byte[] encoded = Requests.hex(hex, field, 32, 1024);
        try {
            return suite.decodePublicKey(encoded);
        } catch (RuntimeException e) {
            throw new BadRequestException(field + " is not a public key of this node's suite (" + suite.name() + ")");
        }
    }
}
