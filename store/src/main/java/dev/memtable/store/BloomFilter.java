package dev.memtable.store;

import static dev.memtable.store.RunFormat.FILTER_FIXED;

import dev.memtable.Bytes;
import dev.memtable.spi.ByteArrays;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A run's whole-key bloom filter ({@code store/FORMAT.md}, "Filter"): a cache-line-blocked bloom
 * filter over the distinct user keys of the run. A key's 64-bit hash picks one 512-bit line (64
 * bytes, one cache line) with its high 32 bits, and {@code probes} bits inside that line, so a
 * lookup touches one cache line instead of {@code probes} random ones. Probe {@code i} takes the
 * top 9 bits of {@code x·c^(i+1)} (32-bit arithmetic, {@code x} the hash's low 32 bits, {@code c}
 * the golden-ratio constant {@code 0x9e3779b9}), as RocksDB's FastLocalBloom does.
 *
 * <p>Why not plain double hashing ({@code a + i·b}): inside a 512-bit line its probes form an
 * arithmetic progression, so keys with nearby {@code (a, b)} share most bits; measured on 100k
 * keys it gave 1.06 % at 10 bits per key and 0.14 % at 16, against 0.96 % and 0.086 % in theory
 * for 512-bit lines (keys per line Poisson-distributed). The multiplicative probes measure 0.96 %
 * and 0.09 %: the theory. An unblocked filter would reach 0.82 % at 10 bits, for 7 cache misses
 * instead of one.
 *
 * <p>A filter answers "certainly absent" ({@link #mayContain} false) or "maybe present". Immutable
 * once decoded; thread-safe.
 */
final class BloomFilter {

    /** Bits in a line: one 64-byte cache line. */
    static final int LINE_BITS = 512;
    private static final int LINE_WORDS = LINE_BITS / 64;
    private static final int MAX_PROBES = 30;
    private static final long SEED = 0x6d656d7461626c65L; // "memtable"
    private static final long M = 0xc6a4a7935bd1e995L;
    /** 2^32 / golden ratio: each probe multiplies the low half of the hash by it. */
    private static final int REHASH = 0x9e3779b9;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(
            long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] words;
    private final int lines;
    private final int probes;

    private BloomFilter(long[] words, int lines, int probes) {
        this.words = words;
        this.lines = lines;
        this.probes = probes;
    }

    /**
     * The 64-bit hash of {@code a[from, from + len)}: MurmurHash64A (Austin Appleby's 64-bit
     * murmur2), eight bytes at a time, little-endian. It is part of the format: changing it makes
     * every filter written before answer wrongly.
     */
    static long hash(byte[] a, int from, int len) {
        long h = SEED ^ (len * M);
        int end8 = from + (len & ~7);
        for (int i = from; i < end8; i += 8) {
            long k = (long) LONG.get(a, i);
            k *= M;
            k ^= k >>> 47;
            k *= M;
            h ^= k;
            h *= M;
        }
        int tail = len & 7;
        if (tail != 0) {
            long k = 0;
            for (int i = tail - 1; i >= 0; i--) {
                k = (k << 8) | (a[end8 + i] & 0xffL);
            }
            h ^= k;
            h *= M;
        }
        h ^= h >>> 47;
        h *= M;
        h ^= h >>> 47;
        return h;
    }

    /** The hash of {@code key}'s bytes, read in place. */
    static long hash(Bytes key) {
        return hash(ByteArrays.array(key), ByteArrays.offset(key), key.length());
    }

    /** The number of probes for {@code bitsPerKey}: about bitsPerKey·ln 2, from 1 to 30. */
    static int probesFor(int bitsPerKey) {
        return (int) Math.max(1, Math.min(MAX_PROBES, Math.round(bitsPerKey * Math.log(2))));
    }

    /**
     * Builds the filter section (probes, lines, bits, crc) for the first {@code count} key hashes
     * in {@code hashes}, at {@code bitsPerKey} bits per key (at least one line).
     *
     * @throws IllegalArgumentException if {@code bitsPerKey} is not positive or the filter would
     *     exceed 1 GiB
     */
    static byte[] build(long[] hashes, int count, int bitsPerKey) {
        if (bitsPerKey < 1) {
            throw new IllegalArgumentException("bitsPerKey must be positive, got " + bitsPerKey);
        }
        long bits = (long) count * bitsPerKey;
        long lineCount = Math.max(1, (bits + LINE_BITS - 1) / LINE_BITS);
        if (lineCount > (1 << 30) / (LINE_BITS / 8)) {
            throw new IllegalArgumentException("a filter of " + count + " keys at " + bitsPerKey
                    + " bits per key exceeds 1 GiB");
        }
        int lines = (int) lineCount;
        int probes = probesFor(bitsPerKey);
        BloomFilter f = new BloomFilter(new long[lines * LINE_WORDS], lines, probes);
        for (int i = 0; i < count; i++) {
            f.add(hashes[i]);
        }
        byte[] out = new byte[FILTER_FIXED + lines * (LINE_BITS / 8)];
        RunFormat.putInt(out, 0, probes);
        RunFormat.putInt(out, 4, lines);
        for (int i = 0; i < f.words.length; i++) {
            RunFormat.putLong(out, 8 + 8 * i, f.words[i]);
        }
        RunFormat.putInt(out, out.length - 4, RunFormat.crc(out, 0, out.length - 4));
        return out;
    }

    /**
     * Reads a filter section that {@code file} holds at {@code sectionOffset}: the checksum, then
     * a probe count of 1 to 30 and a line count that matches the section's length.
     *
     * @throws StoreCorruptionException naming {@code file} and the offset of the damage
     */
    static BloomFilter decode(Path file, long sectionOffset, byte[] section)
            throws StoreCorruptionException {
        int len = section.length;
        if (len < FILTER_FIXED + LINE_BITS / 8) {
            throw new StoreCorruptionException(file, sectionOffset, "filter of " + len
                    + " bytes is shorter than the smallest filter");
        }
        if (!RunFormat.crcHolds(section, len)) {
            throw new StoreCorruptionException(file, sectionOffset, "filter checksum mismatch"
                    + " (filter of " + len + " bytes)");
        }
        int probes = RunFormat.getInt(section, 0);
        if (probes < 1 || probes > MAX_PROBES) {
            throw new StoreCorruptionException(file, sectionOffset,
                    "filter probe count " + probes + " is outside 1 .. " + MAX_PROBES);
        }
        long lines = RunFormat.getU32(section, 4);
        if (lines < 1 || FILTER_FIXED + lines * (LINE_BITS / 8) != len) {
            throw new StoreCorruptionException(file, sectionOffset + 4, "filter says " + lines
                    + " lines of 64 bytes, which does not match its length of " + len);
        }
        long[] words = new long[(int) lines * LINE_WORDS];
        for (int i = 0; i < words.length; i++) {
            words[i] = RunFormat.getLong(section, 8 + 8 * i);
        }
        return new BloomFilter(words, (int) lines, probes);
    }

    /** False if {@code key} is certainly not in the run; true if it may be. */
    boolean mayContain(Bytes key) {
        return mayContainHash(hash(key));
    }

    /** {@link #mayContain} for a key's {@link #hash}. */
    boolean mayContainHash(long h) {
        int base = line(h);
        int x = (int) h;
        for (int i = 0; i < probes; i++) {
            x *= REHASH;
            int bit = x >>> (32 - 9);
            if ((words[base + (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    private void add(long h) {
        int base = line(h);
        int x = (int) h;
        for (int i = 0; i < probes; i++) {
            x *= REHASH;
            int bit = x >>> (32 - 9);
            words[base + (bit >>> 6)] |= 1L << bit;
        }
    }

    /** The first word of the line that hash {@code h} falls in (its high 32 bits, scaled). */
    private int line(long h) {
        return (int) (((h >>> 32) * lines) >>> 32) * LINE_WORDS;
    }

    /** The number of probes per key. */
    int probes() {
        return probes;
    }

    /** The number of 512-bit lines. */
    int lines() {
        return lines;
    }
}
