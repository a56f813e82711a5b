package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * The reference model of a run for the tests: a TreeMap of (key, sequence) to value in the run's
 * internal order, with the answers a run must give (get at a sequence, scan, versions), plus
 * random content and a writer that puts a model into a run file.
 */
final class RunModel {

    /** One version; ordered key ascending, then sequence descending. */
    record Version(Bytes key, long sequence) {
        static final Comparator<Version> ORDER = Comparator.comparing(Version::key)
                .thenComparing(Comparator.comparingLong(Version::sequence).reversed());
    }

    /** One entry of an iterator, for comparisons. */
    record Entry(Bytes key, long sequence, Bytes value) {
    }

    final TreeMap<Version, Bytes> versions = new TreeMap<>(Version.ORDER);

    void put(Bytes key, long sequence, Bytes value) {
        versions.put(new Version(key, sequence), value);
    }

    /** Distinct keys, ascending. */
    List<Bytes> keys() {
        List<Bytes> keys = new ArrayList<>();
        for (Version v : versions.keySet()) {
            if (keys.isEmpty() || !keys.get(keys.size() - 1).equals(v.key())) {
                keys.add(v.key());
            }
        }
        return keys;
    }

    /** MemTable.get's three answers at {@code sequence}. */
    Optional<Bytes> get(Bytes key, long sequence) {
        Map.Entry<Version, Bytes> e = versions.ceilingEntry(new Version(key, sequence));
        return e != null && e.getKey().key().equals(key) ? Optional.of(e.getValue())
                : Optional.empty();
    }

    /** The newest version at or below {@code sequence} of each key between the bounds. */
    List<Entry> scan(Bound lower, Bound upper, long sequence) {
        List<Entry> out = new ArrayList<>();
        if (Bound.isEmptyRange(lower, upper)) {
            return out;
        }
        Bytes last = null;
        for (Map.Entry<Version, Bytes> e : versions.entrySet()) {
            Version v = e.getKey();
            if (!lower.admitsFromBelow(v.key()) || !upper.admitsFromAbove(v.key())
                    || v.sequence() > sequence || v.key().equals(last)) {
                continue;
            }
            last = v.key();
            out.add(new Entry(v.key(), v.sequence(), e.getValue()));
        }
        return out;
    }

    /** Every version in internal order. */
    List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        versions.forEach((v, value) -> out.add(new Entry(v.key(), v.sequence(), value)));
        return out;
    }

    /** Writes the model to a new run file. */
    RunMeta write(Path file, long id, int blockSize, int bloomBitsPerKey) throws IOException {
        try (RunWriter w = RunWriter.create(file, id, blockSize, bloomBitsPerKey)) {
            for (Map.Entry<Version, Bytes> e : versions.entrySet()) {
                w.add(e.getKey().key(), e.getKey().sequence(), e.getValue());
            }
            return w.finish();
        }
    }

    /**
     * Random content: {@code keyCount} keys of 0 to {@code maxKey} bytes drawn from a small
     * alphabet with 0x00 and 0xff (so prefixes and unsigned order matter), 1 to 4 versions each
     * with distinct sequences in 1 .. 200, a fifth of them tombstones, values up to
     * {@code maxValue} bytes.
     */
    static RunModel random(Random rnd, int keyCount, int maxKey, int maxValue) {
        RunModel m = new RunModel();
        byte[] alphabet = {0x00, 0x01, 'a', 'b', 'z', (byte) 0x7f, (byte) 0x80, (byte) 0xff};
        while (m.keys().size() < keyCount) {
            byte[] k = new byte[rnd.nextInt(maxKey + 1)];
            for (int i = 0; i < k.length; i++) {
                k[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            Bytes key = Bytes.wrap(k);
            int n = 1 + rnd.nextInt(4);
            for (int v = 0; v < n; v++) {
                long seq = 1 + rnd.nextInt(200);
                m.put(key, seq, rnd.nextInt(5) == 0 ? Bytes.EMPTY : value(rnd, maxValue));
            }
        }
        return m;
    }

    /** A random non-empty value of up to {@code max} bytes. */
    static Bytes value(Random rnd, int max) {
        byte[] v = new byte[1 + rnd.nextInt(Math.max(1, max))];
        rnd.nextBytes(v);
        return Bytes.wrap(v);
    }

    /** Drains {@code it} (closing it) into a list. */
    static List<Entry> drain(MemTableIterator it) {
        List<Entry> out = new ArrayList<>();
        try (it) {
            for (; it.isValid(); it.next()) {
                out.add(new Entry(it.key(), it.sequence(), it.value()));
            }
            assertFalse(it.isValid());
        }
        return out;
    }

    /** Asserts two entry lists equal, reporting the first difference readably. */
    static void assertEntries(List<Entry> expected, List<Entry> actual, String where) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), where + ": entry " + i);
        }
        assertEquals(expected.size(), actual.size(), where + ": entry count");
    }
}
