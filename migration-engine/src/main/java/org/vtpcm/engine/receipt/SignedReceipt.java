package org.vtpcm.engine.receipt;

/** A receipt with the engine's signature over its canonical JSON, and the key to check it with (hex). */
public record SignedReceipt(Receipt receipt, String suite, String signature, String signingKey) {
}
