package org.vtpcm.lab;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** The command-line plumbing the benchmark mains share: exit statuses, option values, the source commit. */
final class BenchMain {
    /** Exit status of a run that could not start: bad arguments, or the lab is not as the bench needs it. */
    static final int BAD_ARGUMENTS_OR_LAB = 2;
    /** Exit status of a run that failed or stopped early. */
    static final int FAILED = 1;

    private BenchMain() {
    }

    /**
     * Runs the bench and maps what it throws to an exit status (printed with the bench's name):
     * {@value #BAD_ARGUMENTS_OR_LAB} for a bad argument or a lab that is not ready, {@value #FAILED} for anything else.
     */
    static int exitStatus(String bench, Callable<Integer> run) {
        try {
            return run.call();
        } catch (NumberFormatException e) {
            System.err.println(bench + ": error: a number was expected: " + e.getMessage());
            return BAD_ARGUMENTS_OR_LAB;
        } catch (IllegalArgumentException | LabNotReadyException e) {
            System.err.println(bench + ": error: " + e.getMessage());
            return BAD_ARGUMENTS_OR_LAB;
        } catch (Exception e) {
            System.err.println(bench + ": failed: " + e);
            return FAILED;
        }
    }

    /** The value after the option at {@code index - 1}. */
    static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    /** The source commit: $VTPCM_COMMIT (bin/bench sets it), else git's short HEAD, else "unknown". */
    static String commit() {
        String fromEnvironment = System.getenv("VTPCM_COMMIT");
        if (fromEnvironment != null && !fromEnvironment.isBlank() && !fromEnvironment.equals("unknown")) {
            return fromEnvironment;
        }
        try {
            return ProcessRunner.run(List.of("git", "rev-parse", "--short", "HEAD"), Duration.ofSeconds(10)).strip();
        } catch (LabNotReadyException e) {
            return "unknown";
        }
    }
}
