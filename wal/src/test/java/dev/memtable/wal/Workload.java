package dev.memtable.wal;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The writes of the crash tests: thread {@code t} writes records {@code 0, 1, 2, ...} in order,
 * each a pure function of {@code (t, n)}, contents ({@link #record(int, long)}) and log sequence
 * ({@link #sequence(int, long)}) alike, so a recovered log can be checked without knowing what
 * was written: every record must be exactly its contents at exactly its sequence, each thread's
 * records must be a prefix {@code 0..k-1} of what it wrote, and every acknowledged one must be
 * there.
 */
final class Workload {

    private Workload() {
    }

    /** The most writer threads whose sequences {@link #sequence(int, long)} keeps apart. */
    static final int MAX_THREADS = 64;

    /**
     * The log sequence of write {@code n} of {@code thread}: {@code MAX_SEQUENCE - (64 n + thread)}.
     * Distinct for every write, using all seven significant bytes of the field, and falling, so
     * the file holds them in no particular order (the log stores each record's own sequence and
     * does not require them to grow).
     */
    static long sequence(int thread, long n) {
        if (thread < 0 || thread >= MAX_THREADS) {
            throw new IllegalArgumentException("thread " + thread + " of at most " + MAX_THREADS);
        }
        return MemTable.MAX_SEQUENCE - (n * MAX_THREADS + thread);
    }

    /**
     * Record {@code n} of thread {@code thread}: every fifth a batch of three entries (one a
     * delete), every 97th a single put of a 300 KiB value (more than one write call, so a kill
     * can tear it), the rest single puts.
     */
    static WriteBatch record(int thread, long n) {
        WriteBatch b = new WriteBatch();
        if (n % 5 == 4) {
            b.put(key(thread, n, 0), value(thread, n, 0, 40));
            b.delete(key(thread, n, 1));
            b.put(key(thread, n, 2), value(thread, n, 2, 10));
        } else {
            b.put(key(thread, n, 0), value(thread, n, 0, n % 97 == 96 ? 300 * 1024 : 24));
        }
        return b;
    }

    /**
     * Appends record {@code n} of {@code thread} at its log sequence
     * {@link #sequence(int, long)}; returns its end position.
     */
    static long append(Wal wal, int thread, long n) throws IOException {
        WriteBatch b = record(thread, n);
        long sequence = sequence(thread, n);
        if (b.size() == 1) {
            return wal.append(b.entries().get(0).key(), b.entries().get(0).value(), sequence);
        }
        return wal.append(b, sequence);
    }

    private static Bytes key(int thread, long n, int part) {
        return Bytes.ofUtf8("t" + thread + "/" + n + "/" + part);
    }

    private static Bytes value(int thread, long n, int part, int length) {
        byte[] v = new byte[length];
        long x = thread * 0x9E3779B97F4A7C15L + n * 31 + part;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            v[i] = (byte) x;
        }
        return Bytes.wrap(v);
    }

    /**
     * Checks a recovered log against the workload.
     *
     * @param acked per thread, the highest acknowledged (synced) sequence number, or -1
     * @throws AssertionError describing the first violation
     */
    static void check(List<Logs.Replayed> recovered, long[] acked) {
        long[] next = new long[acked.length];
        for (int i = 0; i < recovered.size(); i++) {
            List<WriteBatch.Entry> entries = recovered.get(i).entries();
            String first = entries.get(0).key().toUtf8String();
            String[] parts = first.split("/");
            int thread = Integer.parseInt(parts[0].substring(1));
            long n = Long.parseLong(parts[1]);
            if (n != next[thread]) {
                throw new AssertionError("record " + i + " is thread " + thread + "'s write "
                        + n + " but its next should be " + next[thread]
                        + ": the recovered log is not a prefix of what was written");
            }
            if (!entries.equals(record(thread, n).entries())) {
                throw new AssertionError("record " + i + " (thread " + thread + ", write " + n
                        + ") was recovered with different contents");
            }
            if (recovered.get(i).sequence() != sequence(thread, n)) {
                throw new AssertionError("record " + i + " (thread " + thread + ", write " + n
                        + ") was recovered at sequence " + recovered.get(i).sequence()
                        + " but was written at " + sequence(thread, n));
            }
            next[thread]++;
        }
        for (int t = 0; t < acked.length; t++) {
            if (next[t] <= acked[t]) {
                throw new AssertionError("thread " + t + ": write " + acked[t]
                        + " was acknowledged as durable but only " + next[t]
                        + " writes were recovered");
            }
        }
    }

    /**
     * The text of one acknowledgement line of the crash child: thread, write number and the log
     * sequence the write was acknowledged at.
     */
    static String ackLine(int thread, long n) {
        return "ack " + thread + " " + n + " " + sequence(thread, n);
    }

    /**
     * Parses the complete lines of the child's output into the highest ack per thread, checking
     * that each acknowledged sequence is the one {@link #sequence(int, long)} gives (so that
     * {@link #check} holding means every acknowledged write came back at its acknowledged
     * sequence).
     *
     * @throws AssertionError if a line acknowledges a write at another sequence
     */
    static long[] parseAcks(byte[] output, int threads) {
        long[] acked = new long[threads];
        java.util.Arrays.fill(acked, -1);
        String text = new String(output, StandardCharsets.US_ASCII);
        int complete = text.lastIndexOf('\n') + 1;
        for (String line : text.substring(0, complete).split("\n")) {
            if (line.startsWith("ack ")) {
                String[] f = line.split(" ");
                int t = Integer.parseInt(f[1]);
                long n = Long.parseLong(f[2]);
                if (f.length != 4 || Long.parseLong(f[3]) != sequence(t, n)) {
                    throw new AssertionError("the crash child acknowledged thread " + t
                            + "'s write " + n + " with \"" + line + "\"; its sequence is "
                            + sequence(t, n));
                }
                acked[t] = Math.max(acked[t], n);
            }
        }
        return acked;
    }
}
