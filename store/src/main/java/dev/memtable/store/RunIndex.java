package dev.memtable.store;

import static dev.memtable.store.RunFormat.INDEX_ENTRY_HEADER;
import static dev.memtable.store.RunFormat.INDEX_FIXED;
import static dev.memtable.store.RunFormat.MIN_BLOCK;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.nio.file.Path;

/**
 * A run's block index, decoded ({@code store/FORMAT.md}, "Block index"): for each data block its
 * offset, length and last version {@code (key, sequence)}, plus the run's smallest key. The keys
 * stay in the section's own array and are compared in place, so a search allocates nothing.
 * Immutable once decoded; thread-safe.
 */
final class RunIndex {

    private final byte[] section;
    private final long[] offsets;
    private final int[] lengths;
    private final long[] lastSequences;
    private final int[] keyFrom;
    private final int[] keyTo;
    /**
     * The first 8 bytes of each last key, big-endian, zero-padded: a search compares these
     * first (one array, read in order) and looks at the keys themselves only on a tie, so the
     * typical probe of a large run touches one cache line per step instead of three.
     */
    private final long[] prefixes;
    private final Bytes smallest;
    private final Bytes largest;

    private RunIndex(byte[] section, long[] offsets, int[] lengths, long[] lastSequences,
                     int[] keyFrom, int[] keyTo, Bytes smallest) {
        this.section = section;
        this.offsets = offsets;
        this.lengths = lengths;
        this.lastSequences = lastSequences;
        this.keyFrom = keyFrom;
        this.keyTo = keyTo;
        this.smallest = smallest;
        int n = offsets.length;
        this.prefixes = new long[n];
        for (int i = 0; i < n; i++) {
            prefixes[i] = prefix(section, keyFrom[i], keyTo[i]);
        }
        this.largest = n == 0 ? Bytes.EMPTY : Bytes.wrap(section, keyFrom[n - 1], keyTo[n - 1]);
    }

    /**
     * Checks and decodes the index section that {@code file} holds at {@code sectionOffset}: its
     * checksum; then that every entry fits the section, the blocks follow each other from offset
     * 0 to {@code dataEnd} (where the index starts) each at least {@link RunFormat#MIN_BLOCK}
     * bytes, every last sequence is in {@code 1 .. MAX_SEQUENCE}, the last versions ascend
     * strictly in internal order, and the smallest key is not after the first block's last key.
     *
     * @throws StoreCorruptionException naming {@code file} and the offset of the damage
     */
    static RunIndex decode(Path file, long sectionOffset, byte[] section, long dataEnd)
            throws StoreCorruptionException {
        int len = section.length;
        if (len < INDEX_FIXED) {
            throw new StoreCorruptionException(file, sectionOffset, "block index of " + len
                    + " bytes is shorter than the smallest index (" + INDEX_FIXED + " bytes)");
        }
        if (!RunFormat.crcHolds(section, len)) {
            throw new StoreCorruptionException(file, sectionOffset, "block index checksum"
                    + " mismatch (index of " + len + " bytes)");
        }
        int end = len - 4;
        long count = RunFormat.getU32(section, 0);
        int smallestLength = RunFormat.getU16(section, 4);
        int at = 6 + smallestLength;
        if (count * INDEX_ENTRY_HEADER > end || at > end) {
            throw new StoreCorruptionException(file, sectionOffset, "block index says " + count
                    + " blocks and a smallest key of " + smallestLength + " bytes, more than its "
                    + len + " bytes hold");
        }
        int n = (int) count;
        long[] offsets = new long[n];
        int[] lengths = new int[n];
        long[] lastSequences = new long[n];
        int[] keyFrom = new int[n];
        int[] keyTo = new int[n];
        long expectedOffset = 0;
        for (int i = 0; i < n; i++) {
            if (at + INDEX_ENTRY_HEADER > end) {
                throw corrupt(file, sectionOffset + at, i, "runs past the end of the index");
            }
            offsets[i] = RunFormat.getLong(section, at);
            long length = RunFormat.getU32(section, at + 8);
            lastSequences[i] = RunFormat.getLong(section, at + 12);
            keyFrom[i] = at + INDEX_ENTRY_HEADER;
            keyTo[i] = keyFrom[i] + RunFormat.getU16(section, at + 20);
            if (offsets[i] != expectedOffset || length < MIN_BLOCK
                    || offsets[i] + length > dataEnd) {
                throw corrupt(file, sectionOffset + at, i, "says block at " + offsets[i]
                        + " of " + length + " bytes; expected a block of at least " + MIN_BLOCK
                        + " bytes at " + expectedOffset + " ending by " + dataEnd);
            }
            if (lastSequences[i] < 1 || lastSequences[i] > MemTable.MAX_SEQUENCE) {
                throw corrupt(file, sectionOffset + at + 12, i, "has last sequence "
                        + lastSequences[i] + ", outside 1 .. MAX_SEQUENCE");
            }
            if (keyTo[i] > end) {
                throw corrupt(file, sectionOffset + at + 20, i, "has a last key running past"
                        + " the end of the index");
            }
            if (i > 0 && RunFormat.compareInternal(section, keyFrom[i - 1], keyTo[i - 1],
                    lastSequences[i - 1], section, keyFrom[i], keyTo[i], lastSequences[i]) >= 0) {
                throw corrupt(file, sectionOffset + at, i, "has a last version not after the"
                        + " previous block's");
            }
            lengths[i] = (int) length;
            expectedOffset += length;
            at = keyTo[i];
        }
        if (at != end || expectedOffset != dataEnd) {
            throw new StoreCorruptionException(file, sectionOffset + at, "block index ends at "
                    + at + " of " + end + " bytes and covers data up to " + expectedOffset
                    + " of " + dataEnd);
        }
        if (n == 0 ? smallestLength != 0 : java.util.Arrays.compareUnsigned(section, 6,
                6 + smallestLength, section, keyFrom[0], keyTo[0]) > 0) {
            throw new StoreCorruptionException(file, sectionOffset + 4, "the smallest key is"
                    + (n == 0 ? " not empty in an empty run" : " after the first block's last"));
        }
        Bytes smallest = Bytes.wrap(section, 6, 6 + smallestLength);
        return new RunIndex(section, offsets, lengths, lastSequences, keyFrom, keyTo, smallest);
    }

    private static StoreCorruptionException corrupt(Path file, long offset, int block,
                                                    String problem) {
        return new StoreCorruptionException(file, offset, "block index entry " + block + " "
                + problem);
    }

    /**
     * Binary search: the first block whose last version is at or after {@code (k[from, to), seq)}
     * in internal order, or {@link #blocks()} if there is none. The first entry of the run at or
     * after that version, if any, is in that block: every block before it ends before it.
     */
    int find(byte[] k, int from, int to, long seq) {
        long probe = prefix(k, from, to);
        int lo = 0;
        int hi = offsets.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(prefixes[mid], probe);
            if (c == 0) {
                c = RunFormat.compareInternal(section, keyFrom[mid], keyTo[mid],
                        lastSequences[mid], k, from, to, seq);
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The first 8 bytes of {@code a[from, to)} as a big-endian long, zero-padded: unsigned order
     * of two prefixes is the keys' order wherever the prefixes differ.
     */
    static long prefix(byte[] a, int from, int to) {
        long p = 0;
        int n = Math.min(8, to - from);
        for (int i = 0; i < n; i++) {
            p |= (a[from + i] & 0xffL) << (56 - 8 * i);
        }
        return p;
    }

    /** The number of data blocks. */
    int blocks() {
        return offsets.length;
    }

    /** The file offset of block {@code i}. */
    long offset(int i) {
        return offsets[i];
    }

    /** The length in bytes of block {@code i}, its trailer included. */
    int length(int i) {
        return lengths[i];
    }

    /** A copy of every block's offset (for the cache's invalidation). */
    long[] offsets() {
        return offsets.clone();
    }

    /** The run's smallest key (empty if it has no entries). */
    Bytes smallest() {
        return smallest;
    }

    /** The run's largest key, the last block's last key (empty if it has no entries). */
    Bytes largest() {
        return largest;
    }
}
