package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The writes of {@link StoreCrashTest}: writer {@code t} performs operations {@code 0, 1, 2, ...}
 * one after another, each a pure function of {@code (t, n)}, on keys that start with
 * {@code "t<t>/"} (so writers never touch each other's keys). By {@code n % 8}:
 * <ul>
 *   <li>0, 1, 2, 3, 4: a put of its own key {@code t<t>/<n>/0};</li>
 *   <li>5: a {@link WriteBatch} of three puts of its own keys {@code t<t>/<n>/0..2} and a delete
 *       of the key of an earlier operation {@code m ≡ 0 (mod 8)} (so a batch torn by a kill
 *       shows);</li>
 *   <li>6: an overwrite of the key of an earlier {@code m ≡ 2}, or of an earlier {@code m ≡ 3}
 *       (which a 7 may have deleted: a put after a delete);</li>
 *   <li>7: a delete of the key of an earlier {@code m ≡ 3}.</li>
 * </ul>
 * The earlier operation is up to ~1,200 operations back, so the older version is usually in
 * another memtable or a sorted run by then. Keys written by operations {@code ≡ 1, 4, 5} are
 * never touched again ({@link #stableKey}). Since a writer's operations are sequential and each
 * is acknowledged after it returns, the store after a crash must hold, for each writer, exactly
 * the state after its acknowledged operations, or after those and the one after them (the write
 * that was in flight: wholly there or wholly absent) — see {@link #check}.
 */
final class StoreWorkload {

    private StoreWorkload() {
    }

    /** The prefix of keys that are not the workload's (the test's own writes after recovery). */
    static final Bytes OTHERS = Bytes.ofUtf8("x/");

    /** The number of distinct "earlier" distances; the farthest is {@code 8 * (SPREAD - 1) + 5}. */
    private static final int SPREAD = 150;

    static Bytes key(int thread, long n, int part) {
        return Bytes.ofUtf8("t" + thread + "/" + String.format("%09d", n) + "/" + part);
    }

    /** Value of part {@code part} written by operation {@code n}: mostly short, sometimes 2.5 KiB. */
    static Bytes value(int thread, long n, int part) {
        int length = n % 61 == 60 ? 2500 : 8 + (int) ((n * 7 + part * 13) % 120);
        byte[] v = new byte[length];
        long x = (thread + 1) * 0x9E3779B97F4A7C15L + n * 31 + part;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            v[i] = (byte) (x | 1);  // never all zero, never empty: an empty value is a delete
        }
        return Bytes.wrap(v);
    }

    /** The earlier operation that operation {@code n} targets, with {@code m ≡ residue (mod 8)}. */
    private static long earlier(long n, int residue) {
        long j = Math.floorMod(n * 0x9E3779B97F4A7C15L >>> 17, SPREAD);
        long m = (n / 8) * 8 + residue - 8 * j;
        if (m >= n) {
            m -= 8;
        }
        return m;
    }

    /** The operation as a batch (a single put or delete is a batch of one). */
    static WriteBatch operation(int thread, long n) {
        WriteBatch b = new WriteBatch();
        switch ((int) (n % 8)) {
            case 5 -> {
                for (int part = 0; part < 3; part++) {
                    b.put(key(thread, n, part), value(thread, n, part));
                }
                long m = earlier(n, 0);
                if (m >= 0) {
                    b.delete(key(thread, m, 0));
                }
            }
            case 6 -> {
                long m = earlier(n, n % 16 == 14 ? 3 : 2);
                b.put(key(thread, m >= 0 ? m : n, 0), value(thread, n, 0));
            }
            case 7 -> {
                long m = earlier(n, 3);
                b.delete(key(thread, m >= 0 ? m : n, 0));
            }
            default -> b.put(key(thread, n, 0), value(thread, n, 0));
        }
        return b;
    }

    /** True if operation {@code n} is a put whose key no later operation touches. */
    static boolean stableKey(long n) {
        int r = (int) (n % 8);
        return r == 1 || r == 4 || r == 5;
    }

    /** A writer's expected state: its live keys and values; deleted keys map to null. */
    static Map<Bytes, Bytes> model(int thread, long operations) {
        Map<Bytes, Bytes> state = new HashMap<>();
        for (long n = 0; n < operations; n++) {
            apply(state, operation(thread, n));
        }
        return state;
    }

    static void apply(Map<Bytes, Bytes> state, WriteBatch batch) {
        for (WriteBatch.Entry e : batch.entries()) {
            state.put(e.key(), e.isDelete() ? null : e.value());
        }
    }

    static String ackLine(int thread, long n) {
        return "ack " + thread + " " + n;
    }

    /** The complete lines of the child's output: per writer, the highest acknowledged op or -1. */
    static long[] parseAcks(byte[] output, int threads) {
        long[] acked = new long[threads];
        Arrays.fill(acked, -1);
        String text = new String(output, StandardCharsets.US_ASCII);
        int complete = text.lastIndexOf('\n') + 1;
        long[] expect = new long[threads];
        for (String line : text.substring(0, complete).split("\n")) {
            if (line.startsWith("ack ")) {
                String[] f = line.split(" ");
                int t = Integer.parseInt(f[1]);
                long n = Long.parseLong(f[2]);
                if (n != expect[t]) {
                    throw new AssertionError("the child acknowledged writer " + t + "'s op " + n
                            + " but " + expect[t] + " was next: acknowledgements out of order");
                }
                expect[t]++;
                acked[t] = n;
            }
        }
        return acked;
    }

    /**
     * Checks a reopened store against the workload: for each writer, the live keys of its prefix
     * (a {@code scan}) must equal its model after {@code acked[t] + 1} operations, or after
     * {@code acked[t] + 2} (the op in flight, wholly); every key the chosen model knows must
     * {@code get} as in it (deleted ones empty); no key outside the writers' prefixes may exist;
     * the full scan must be strictly ascending and agree with {@code get}. Keys under
     * {@link #OTHERS} are left out.
     *
     * @return the number of live keys checked
     * @throws AssertionError naming the first difference
     */
    static long check(Store store, long[] acked) {
        TreeMap<Bytes, Bytes> scanned = scanAll(store);
        scanned.keySet().removeIf(k -> k.startsWith(OTHERS));
        long live = 0;
        for (int t = 0; t < acked.length; t++) {
            Bytes prefix = Bytes.ofUtf8("t" + t + "/");
            Map<Bytes, Bytes> actual = new HashMap<>();
            scanned.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    actual.put(k, v);
                }
            });
            Map<Bytes, Bytes> acknowledged = model(t, acked[t] + 1);
            Map<Bytes, Bytes> withInFlight = new HashMap<>(acknowledged);
            apply(withInFlight, operation(t, acked[t] + 1));
            Map<Bytes, Bytes> expected;
            if (live(acknowledged).equals(actual)) {
                expected = acknowledged;
            } else if (live(withInFlight).equals(actual)) {
                expected = withInFlight;
            } else {
                throw new AssertionError("writer " + t + " (last acknowledged op " + acked[t]
                        + ", in flight " + operation(t, acked[t] + 1) + "): the store holds"
                        + " neither the acknowledged state nor that plus the op in flight; against"
                        + " the acknowledged state: " + diff(live(acknowledged), actual));
            }
            for (Map.Entry<Bytes, Bytes> e : expected.entrySet()) {
                Bytes got = store.get(e.getKey()).orElse(null);
                if (!Objects.equals(got, e.getValue())) {
                    throw new AssertionError("get(" + e.getKey() + ") = " + got + " but scan and"
                            + " the acknowledged writes say " + e.getValue());
                }
            }
            live += actual.size();
        }
        if (live != scanned.size()) {
            throw new AssertionError((scanned.size() - live) + " keys outside every writer's"
                    + " prefix, e.g. " + scanned.firstKey());
        }
        return live;
    }

    private static Map<Bytes, Bytes> live(Map<Bytes, Bytes> state) {
        Map<Bytes, Bytes> live = new HashMap<>();
        state.forEach((k, v) -> {
            if (v != null) {
                live.put(k, v);
            }
        });
        return live;
    }

    /** Every live entry of the store, checking the scan is strictly ascending and not empty-valued. */
    static TreeMap<Bytes, Bytes> scanAll(Store store) {
        TreeMap<Bytes, Bytes> all = new TreeMap<>();
        Bytes previous = null;
        try (MemTableIterator it = store.scan(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                Bytes k = it.key();
                if (previous != null && previous.compareTo(k) >= 0) {
                    throw new AssertionError("scan went from " + previous + " to " + k
                            + ": not strictly ascending");
                }
                if (it.value().isEmpty()) {
                    throw new AssertionError("scan returned the tombstone of " + k);
                }
                all.put(k, it.value());
                previous = k;
            }
        }
        return all;
    }

    private static String diff(Map<Bytes, Bytes> expected, Map<Bytes, Bytes> actual) {
        List<String> out = new ArrayList<>();
        TreeMap<Bytes, Bytes> keys = new TreeMap<>(expected);
        keys.putAll(actual);
        for (Bytes k : keys.keySet()) {
            Bytes e = expected.get(k);
            Bytes a = actual.get(k);
            if (!Objects.equals(e, a)) {
                out.add(k.toUtf8String() + ": expected " + (e == null ? "absent" : e.length()
                        + " bytes " + shortHex(e)) + ", found " + (a == null ? "absent"
                        : a.length() + " bytes " + shortHex(a)));
            }
        }
        int shown = Math.min(out.size(), 8);
        return out.size() + " keys differ: " + String.join("; ", out.subList(0, shown))
                + (out.size() > shown ? "; ..." : "");
    }

    private static String shortHex(Bytes b) {
        String hex = b.toHex();
        return hex.length() > 16 ? hex.substring(0, 16) + "..." : hex;
    }
}
