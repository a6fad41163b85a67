package org.vtpcm.collector.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vtpcm.collector.bundle.BundleRejectedException.Reason;
import org.vtpcm.protocol.crypto.SuiteName;

/**
 * Deterministic fuzzing of {@link BundleCodec#open} and of the parsers behind it. Per suite, with
 * a fixed seed (the mutations are reproducible; the encryption and signatures are randomised by
 * the crypto suite itself):
 * <ul>
 *   <li>{@value #OUTER} mutated sealed bundles: bit flips, insertions, deletions, truncations,
 *       splices of two bundles, length fields overwritten with huge values, duplicated regions,
 *       scribbles;</li>
 *   <li>{@value #INNER} mutated plaintexts re-encrypted for the right recipient, so decryption
 *       succeeds and the signed-content parser sees the garbage;</li>
 *   <li>{@value #BODY} mutated bodies re-signed with the genuine source key and re-encrypted, so
 *       the body parser sees the garbage behind a valid signature;</li>
 *   <li>{@value #DIRECT} mutated bodies, and as many envelopes and plaintexts, fed straight to the
 *       parsers (no crypto, so many more cases and a tight allocation bound).</li>
 * </ul>
 * Asserted for every case: nothing but {@link BundleRejectedException} escapes; a case that is
 * not byte-identical to a valid input is rejected, except re-signed bodies, which are authentic
 * and may legitimately decode (they must then re-encode to exactly the same bytes: the format is
 * canonical); the memory one call allocates stays proportional to its input, so no length field
 * causes a large allocation; and the heap in use does not grow.
 */
class BundleFuzzTest {

    static final int OUTER = 4300;
    static final int INNER = 350;
    static final int BODY = 350;
    static final int DIRECT = 20_000;
    /**
     * Allocation allowed per call: a multiple of the input plus a fixed allowance. Through
     * {@code open} the allowance is large because the EC arithmetic of decryption and signature
     * checks allocates about 10 MiB of short-lived objects whatever the input; calling the parsers
     * directly allows only a small one, which is where a huge length field would show at once.
     */
    static final int ALLOCATION_FACTOR = 16;
    static final long OPEN_SLACK = 40L << 20;
    static final long PARSER_SLACK = 256L << 10;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** What one category saw; printed for the record. */
    private static final class Tally {
        final String name;
        final long slack;
        final Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        final long started = System.nanoTime();
        long millis;
        int cases;
        int skipped;
        int accepted;
        long maxAllocated;

        Tally(String name, long slack) {
            this.name = name;
            this.slack = slack;
        }

        void finish() {
            millis = (System.nanoTime() - started) / 1_000_000;
        }

        int count(Reason reason) {
            return reasons.getOrDefault(reason, 0);
        }

        @Override
        public String toString() {
            return String.format("%-9s %6d cases in %5d ms, %3d identical skipped, %4d accepted, max %6d KiB "
                    + "allocated per call, %s", name, cases, millis, skipped,
                    accepted, maxAllocated / 1024, reasons);
        }
    }

    @ParameterizedTest
    @EnumSource(SuiteName.class)
    @Timeout(120)
    void fuzz(SuiteName name) {
        long started = System.nanoTime();
        Fixture fixture = new Fixture(name);
        Random random = new Random(0x5eed_b0d1L + name.ordinal());
        Mutator mutator = new Mutator(random);
        long heapBefore = usedHeap();

        List<byte[]> sealed = new ArrayList<>();
        List<byte[]> inners = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (StateBundle bundle : List.of(fixture.builder(0).build(), fixture.builder(3).build(),
                fixture.builder(12).policy("audit").build())) {
            for (int copy = 0; copy < 2; copy++) {
                byte[] s = fixture.seal(bundle);
                sealed.add(s);
                inners.add(fixture.inner(s));
            }
            bodies.add(fixture.body(bundle));
        }
        List<Tally> tallies = new ArrayList<>();

        Tally outer = new Tally("outer", OPEN_SLACK);
        tallies.add(outer);
        for (int i = 0; outer.cases < OUTER; i++) {
            byte[] base = pick(random, sealed);
            byte[] mutated = mutator.mutate(base, pick(random, sealed), outerLengthOffsets());
            if (isOneOf(mutated, sealed)) {
                outer.skipped++;
                continue;
            }
            expectRejected(outer, mutated, () -> fixture.open(mutated), "outer #" + i);
        }

        Tally inner = new Tally("inner", OPEN_SLACK);
        tallies.add(inner);
        outer.finish();
        for (int i = 0; inner.cases < INNER; i++) {
            byte[] base = pick(random, inners);
            byte[] mutated = mutator.mutate(base, pick(random, inners), innerLengthOffsets(base));
            if (isOneOf(mutated, inners)) {
                inner.skipped++;
                continue;
            }
            byte[] resealed = fixture.codec.sealInner(mutated, fixture.recipient.getPublic());
            expectRejected(inner, resealed, () -> fixture.open(resealed), "inner #" + i);
        }

        Tally body = new Tally("body", OPEN_SLACK);
        tallies.add(body);
        inner.finish();
        for (int i = 0; body.cases < BODY; i++) {
            byte[] mutated = mutateBody(mutator, random, bodies);
            if (isOneOf(mutated, bodies)) {
                body.skipped++;
                continue;
            }
            byte[] resealed = fixture.sealBody(mutated);
            StateBundle opened = attempt(body, resealed, () -> fixture.open(resealed), "body #" + i);
            checkAuthentic(body, fixture, mutated, opened, "body #" + i);
        }

        Tally direct = new Tally("parser", PARSER_SLACK);
        tallies.add(direct);
        body.finish();
        for (int i = 0; direct.cases < DIRECT; i++) {
            byte[] mutated = mutateBody(mutator, random, bodies);
            if (isOneOf(mutated, bodies)) {
                direct.skipped++;
                continue;
            }
            StateBundle read = attempt(direct, mutated, () -> BodyReader.read(mutated, StateBundle.FORMAT_VERSION),
                    "parser #" + i);
            checkAuthentic(direct, fixture, mutated, read, "parser #" + i);
        }

        direct.finish();
        // The framing parsers on their own: they may accept (authentication comes later), but
        // must neither throw anything else nor allocate beyond their input.
        Tally framing = new Tally("framing", PARSER_SLACK);
        tallies.add(framing);
        byte[] signerKeyId = BundleCodec.keyId(fixture.suite, fixture.source.getPublic());
        for (int i = 0; i < DIRECT / 2; i++) {
            byte[] envelope = mutator.mutate(pick(random, sealed), pick(random, sealed), outerLengthOffsets());
            if (attempt(framing, envelope, () -> Envelope.parse(envelope, name, BundleCodec.MAX_BUNDLE_BYTES),
                    "envelope #" + i) != null) {
                framing.accepted++;
            }
            byte[] base = pick(random, inners);
            byte[] content = mutator.mutate(base, pick(random, inners), innerLengthOffsets(base));
            if (attempt(framing, content, () -> SignedContent.parse(content, signerKeyId),
                    "signed content #" + i) != null) {
                framing.accepted++;
            }
        }

        framing.finish();
        sealed.clear();
        long heapGrowth = usedHeap() - heapBefore;
        StringBuilder report = new StringBuilder(String.format("bundle fuzz %s: %d ms, heap growth %d KiB%n",
                name, (System.nanoTime() - started) / 1_000_000, heapGrowth / 1024));
        tallies.forEach(t -> report.append("  ").append(t).append('\n'));
        System.out.print(report);

        int throughOpen = outer.cases + inner.cases + body.cases;
        // Both suites together: at least 10,000 mutated bundles through open().
        assertTrue(throughOpen >= 5000, "only " + throughOpen + " mutated bundles went through open()");
        assertTrue(heapGrowth < 64L << 20, "heap in use grew by " + heapGrowth + " bytes");
        // The fuzzing must reach the deep checks, not just bounce off the header.
        assertTrue(outer.count(Reason.UNDECRYPTABLE) > 500, report::toString);
        assertTrue(outer.count(Reason.TRUNCATED) > 100, report::toString);
        assertTrue(outer.count(Reason.OVERSIZED) > 50, report::toString);
        assertTrue(inner.count(Reason.BAD_SIGNATURE) > 50, report::toString);
        assertTrue(inner.count(Reason.UNKNOWN_SIGNER) > 5, report::toString);
        assertTrue(inner.count(Reason.MALFORMED) > 50, report::toString);
        assertTrue(body.count(Reason.MALFORMED) > 200, report::toString);
        assertTrue(direct.count(Reason.MALFORMED) > DIRECT / 2, report::toString);
    }

    /**
     * Every length field and list count of a body, set to each huge value in turn: rejected, and
     * nothing near the claimed size is ever allocated (lengths are checked before allocating).
     */
    @ParameterizedTest
    @EnumSource(SuiteName.class)
    void hugeLengthsNeverCauseLargeAllocations(SuiteName name) {
        Fixture fixture = new Fixture(name);
        byte[] body = fixture.body(fixture.builder(12).build());
        Tally tally = new Tally("huge", PARSER_SLACK);
        for (int offset : bodyLengthOffsets(body, 0)) {
            for (long huge : new long[] {0xffff_ffffL, 0xffff_fff0L, 0x8000_0000L, 0x7fff_ffffL, 0x0100_0000L,
                    0x00ff_ffffL, 100_001, body.length}) {
                byte[] mutated = body.clone();
                RawBody.putU32(mutated, offset, huge);
                assertTrue(attempt(tally, mutated, () -> BodyReader.read(mutated, StateBundle.FORMAT_VERSION),
                        "offset " + offset) == null,
                        "accepted a length of " + huge + " at " + offset);
            }
        }
        assertTrue(tally.maxAllocated < 64 * 1024, tally.toString());
        assertTrue(tally.count(Reason.MALFORMED) == tally.cases, tally.toString());
    }

    /** Mostly aimed at the field headers (tags and lengths), where a parser is most fragile. */
    private static byte[] mutateBody(Mutator mutator, Random random, List<byte[]> bodies) {
        byte[] base = pick(random, bodies);
        int[] lengths = bodyLengthOffsets(base, 0);
        int choice = random.nextInt(20);
        if (choice < 7) {
            return mutator.overwriteLength(base, lengths[random.nextInt(lengths.length)]);
        }
        if (choice < 10) {
            byte[] out = base.clone();
            int tagAt = lengths[random.nextInt(lengths.length)] - 1;
            if (BodyField.byTag(out[tagAt]) != null) {
                out[tagAt] = (byte) (random.nextBoolean() ? random.nextInt(0x13) : random.nextInt(256));
            }
            return out;
        }
        return mutator.mutate(base, pick(random, bodies), lengths);
    }

    private interface Call<T> {
        T call();
    }

    private static void expectRejected(Tally tally, byte[] input, Call<?> call, String label) {
        if (attempt(tally, input, call, label) != null) {
            fail(label + ": a mutated bundle was accepted");
        }
    }

    /**
     * Runs one case, measuring what it allocates. Returns the result, or null if it was rejected;
     * fails the test for any other exception.
     */
    private static <T> T attempt(Tally tally, byte[] input, Call<T> call, String label) {
        tally.cases++;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T result = null;
        Throwable thrown = null;
        try {
            result = call.call();
        } catch (Throwable t) {
            thrown = t;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        tally.maxAllocated = Math.max(tally.maxAllocated, allocated);
        long bound = tally.slack + (long) ALLOCATION_FACTOR * input.length;
        assertTrue(allocated <= bound, label + ": allocated " + allocated + " bytes for a " + input.length
                + "-byte input");
        if (thrown == null) {
            return result;
        }
        if (!(thrown instanceof BundleRejectedException rejected)) {
            throw new AssertionError(label + ": " + thrown.getClass().getName() + " escaped", thrown);
        }
        tally.reasons.merge(rejected.reason(), 1, Integer::sum);
        return null;
    }

    /** An authentic body that decodes must be the one encoding of its value. */
    private static void checkAuthentic(Tally tally, Fixture fixture, byte[] body, StateBundle opened, String label) {
        if (opened != null) {
            tally.accepted++;
            assertArrayEquals(body, fixture.body(opened), label + ": accepted a non-canonical body");
        }
        for (Reason early : List.of(Reason.TRUNCATED, Reason.OVERSIZED, Reason.BAD_MAGIC, Reason.UNSUPPORTED_VERSION,
                Reason.WRONG_SUITE, Reason.WRONG_RECIPIENT, Reason.UNDECRYPTABLE, Reason.UNKNOWN_SIGNER,
                Reason.BAD_SIGNATURE)) {
            assertTrue(tally.count(early) == 0, label + ": authentic content rejected as " + early);
        }
    }

    private static int[] outerLengthOffsets() {
        // Envelope length; the hybrid header's key length (a u16 at 45 + 2) and its surroundings.
        return new int[] {Envelope.LENGTH_OFFSET, Envelope.HEADER_BYTES, Envelope.HEADER_BYTES + 2};
    }

    private static int[] innerLengthOffsets(byte[] inner) {
        int bodyLength = (int) RawBody.u32(inner, SignedContent.BODY_LENGTH_OFFSET);
        int[] body = bodyLengthOffsets(Arrays.copyOfRange(inner, SignedContent.BODY_OFFSET,
                SignedContent.BODY_OFFSET + bodyLength), SignedContent.BODY_OFFSET);
        int[] all = Arrays.copyOf(body, body.length + 3);
        all[body.length] = SignedContent.BODY_LENGTH_OFFSET;
        all[body.length + 1] = SignedContent.BODY_OFFSET + bodyLength; // signature length (u16) and beyond
        all[body.length + 2] = SignedContent.BODY_OFFSET + bodyLength - 2;
        return all;
    }

    /** Positions of every field length, of the list counts and of the first list items' lengths. */
    static int[] bodyLengthOffsets(byte[] body, int shift) {
        List<Integer> offsets = new ArrayList<>();
        int at = 0;
        while (at + 5 <= body.length) {
            int tag = body[at] & 0xff;
            int length = (int) RawBody.u32(body, at + 1);
            offsets.add(shift + at + 1);
            if (tag == BodyField.MEASUREMENT_LOG.tag || tag == BodyField.REFERENCE_VALUES.tag) {
                offsets.add(shift + at + 5);
                int item = at + 5 + 4 + (tag == BodyField.MEASUREMENT_LOG.tag ? 8 : 0);
                for (int s = 0; s < 9 && item + 4 <= at + 5 + length; s++) {
                    offsets.add(shift + item);
                    item += 4 + (int) RawBody.u32(body, item);
                }
            }
            at += 5 + length;
        }
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isOneOf(byte[] candidate, List<byte[]> originals) {
        for (byte[] original : originals) {
            if (Arrays.equals(candidate, original)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] pick(Random random, List<byte[]> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
