package org.vtpcm.lab;

/** A benchmark cannot go on (a guest keeps dying, a migration cannot be ended); anything else fails one migration only. */
final class BenchGiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchGiveUp(String message) {
        super(message);
    }
}
