package dev.memtable.wal;

import dev.memtable.Bytes;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Wal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The writes of the crash tests: thread {@code t} writes records {@code 0, 1, 2, ...} in order,
 * each a pure function of {@code (t, seq)}, so a recovered log can be checked without knowing
 * what was written: every record must be exactly {@link #record(int, long)}, each thread's records
 * must be a prefix {@code 0..k-1} of its sequence, and every acknowledged one must be there.
 */
final class Workload {

    private Workload() {
    }

    /**
     * Record {@code seq} of thread {@code thread}: every fifth a batch of three entries (one a
     * delete), every 97th a single put of a 300 KiB value (more than one write call, so a kill
     * can tear it), the rest single puts.
     */
    static WriteBatch record(int thread, long seq) {
        WriteBatch b = new WriteBatch();
        if (seq % 5 == 4) {
            b.put(key(thread, seq, 0), value(thread, seq, 0, 40));
            b.delete(key(thread, seq, 1));
            b.put(key(thread, seq, 2), value(thread, seq, 2, 10));
        } else {
            b.put(key(thread, seq, 0), value(thread, seq, 0, seq % 97 == 96 ? 300 * 1024 : 24));
        }
        return b;
    }

    /** Appends record {@code seq} of {@code thread}; returns its end position. */
    static long append(Wal wal, int thread, long seq) throws IOException {
        WriteBatch b = record(thread, seq);
        if (b.size() == 1) {
            return wal.append(b.entries().get(0).key(), b.entries().get(0).value());
        }
        return wal.append(b);
    }

    private static Bytes key(int thread, long seq, int part) {
        return Bytes.ofUtf8("t" + thread + "/" + seq + "/" + part);
    }

    private static Bytes value(int thread, long seq, int part, int length) {
        byte[] v = new byte[length];
        long x = thread * 0x9E3779B97F4A7C15L + seq * 31 + part;
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
    static void check(List<List<WriteBatch.Entry>> recovered, long[] acked) {
        long[] next = new long[acked.length];
        for (int i = 0; i < recovered.size(); i++) {
            List<WriteBatch.Entry> entries = recovered.get(i);
            String first = entries.get(0).key().toUtf8String();
            String[] parts = first.split("/");
            int thread = Integer.parseInt(parts[0].substring(1));
            long seq = Long.parseLong(parts[1]);
            if (seq != next[thread]) {
                throw new AssertionError("record " + i + " is thread " + thread + "'s write "
                        + seq + " but its next should be " + next[thread]
                        + ": the recovered log is not a prefix of what was written");
            }
            if (!entries.equals(record(thread, seq).entries())) {
                throw new AssertionError("record " + i + " (thread " + thread + ", write " + seq
                        + ") was recovered with different contents");
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

    /** The text of one acknowledgement line of the crash child. */
    static String ackLine(int thread, long seq) {
        return "ack " + thread + " " + seq;
    }

    /** Parses the complete lines of the child's output into the highest ack per thread. */
    static long[] parseAcks(byte[] output, int threads) {
        long[] acked = new long[threads];
        java.util.Arrays.fill(acked, -1);
        String text = new String(output, StandardCharsets.US_ASCII);
        int complete = text.lastIndexOf('\n') + 1;
        for (String line : text.substring(0, complete).split("\n")) {
            if (line.startsWith("ack ")) {
                String[] f = line.split(" ");
                int t = Integer.parseInt(f[1]);
                acked[t] = Math.max(acked[t], Long.parseLong(f[2]));
            }
        }
        return acked;
    }
}
