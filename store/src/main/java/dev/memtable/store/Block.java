package dev.memtable.store;

import static dev.memtable.store.RunFormat.BLOCK_TRAILER;
import static dev.memtable.store.RunFormat.ENTRY_HEADER;
import static dev.memtable.store.RunFormat.MIN_BLOCK;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One verified data block of a run, as it sits in the {@link BlockCache}: its bytes exactly as in
 * the file (entries, offset array, count, crc; {@code store/FORMAT.md}) and where its offset
 * array starts. Keys and values are handed out as {@link Bytes} slices of the block's array, never
 * copied; the array is never written after {@link #decode} checked it, so a block is immutable
 * and safe to share between threads.
 *
 * <p>Positions ({@code pos}) are byte offsets of entries inside the block, as returned by
 * {@link #entryAt(int)}; an entry's index runs from 0 to {@link #count()} - 1.
 */
final class Block {

    private final byte[] data;
    private final Bytes whole;
    private final int count;
    private final int offsetsAt;

    private Block(byte[] data, int count, int offsetsAt) {
        this.data = data;
        this.whole = Bytes.wrap(data);
        this.count = count;
        this.offsetsAt = offsetsAt;
    }

    /**
     * Checks {@code data}, read from {@code file} at {@code fileOffset}, and returns it as a
     * block: the checksum first, then the structure (a count of at least one, offsets that start
     * at 0 and chain entry to entry up to the offset array, sequences in
     * {@code 1 .. MAX_SEQUENCE}). The order of the entries is not re-checked: the checksum
     * vouches that these are the bytes the writer wrote, and the writer checked the order.
     *
     * @throws StoreCorruptionException naming {@code file} and the offset of the damage: the
     *     block's start for a checksum mismatch, the bad field's for a structure problem
     */
    static Block decode(Path file, long fileOffset, byte[] data) throws StoreCorruptionException {
        int len = data.length;
        if (len < MIN_BLOCK) {
            throw new StoreCorruptionException(file, fileOffset, "data block of " + len
                    + " bytes is shorter than the smallest block (" + MIN_BLOCK + " bytes)");
        }
        if (!RunFormat.crcHolds(data, len)) {
            throw new StoreCorruptionException(file, fileOffset, "data block checksum mismatch"
                    + " (block of " + len + " bytes)");
        }
        long count = RunFormat.getU32(data, len - BLOCK_TRAILER);
        if (count < 1 || count * (ENTRY_HEADER + 4) > len - BLOCK_TRAILER) {
            throw new StoreCorruptionException(file, fileOffset + len - BLOCK_TRAILER,
                    "data block entry count " + count + " does not fit its " + len + " bytes");
        }
        int offsetsAt = len - BLOCK_TRAILER - 4 * (int) count;
        long expected = 0;
        for (int i = 0; i < count; i++) {
            long at = RunFormat.getU32(data, offsetsAt + 4 * i);
            if (at != expected || at + ENTRY_HEADER > offsetsAt) {
                throw new StoreCorruptionException(file, fileOffset + offsetsAt + 4L * i,
                        "entry " + i + " of the data block starts at " + at + ", expected "
                                + expected + " within " + offsetsAt + " bytes of entries");
            }
            int pos = (int) at;
            long seq = RunFormat.getLong(data, pos + 6);
            if (seq < 1 || seq > MemTable.MAX_SEQUENCE) {
                throw new StoreCorruptionException(file, fileOffset + pos + 6,
                        "entry " + i + " of the data block has sequence " + seq
                                + ", outside 1 .. MAX_SEQUENCE");
            }
            expected = at + ENTRY_HEADER + RunFormat.getU16(data, pos)
                    + RunFormat.getU32(data, pos + 2);
            if (expected > offsetsAt) {
                throw new StoreCorruptionException(file, fileOffset + pos, "entry " + i
                        + " of the data block runs past its entries (" + expected + " > "
                        + offsetsAt + ")");
            }
        }
        if (expected != offsetsAt) {
            throw new StoreCorruptionException(file, fileOffset + expected, "data block has "
                    + (offsetsAt - expected) + " stray bytes after its last entry");
        }
        return new Block(data, (int) count, offsetsAt);
    }

    /** The number of entries, at least 1. */
    int count() {
        return count;
    }

    /** The block's length in bytes (what the cache weighs). */
    int length() {
        return data.length;
    }

    /** The position of entry {@code i} (0 &le; i &lt; count). */
    int entryAt(int i) {
        return RunFormat.getInt(data, offsetsAt + 4 * i);
    }

    int keyLength(int pos) {
        return RunFormat.getU16(data, pos);
    }

    int valueLength(int pos) {
        return RunFormat.getInt(data, pos + 2);
    }

    long sequence(int pos) {
        return RunFormat.getLong(data, pos + 6);
    }

    /** The entry's key as a slice of the block (no copy). */
    Bytes key(int pos) {
        int from = pos + ENTRY_HEADER;
        return whole.slice(from, from + keyLength(pos));
    }

    /** The entry's value as a slice of the block (no copy); empty for a tombstone. */
    Bytes value(int pos) {
        int from = pos + ENTRY_HEADER + keyLength(pos);
        return whole.slice(from, from + valueLength(pos));
    }

    /** True if the entry's key is {@code k[from, to)}. */
    boolean keyEquals(int pos, byte[] k, int from, int to) {
        int kFrom = pos + ENTRY_HEADER;
        return Arrays.equals(data, kFrom, kFrom + keyLength(pos), k, from, to);
    }

    /** Compares the entry's key with {@code k[from, to)}, unsigned. */
    int compareKey(int pos, byte[] k, int from, int to) {
        int kFrom = pos + ENTRY_HEADER;
        return Arrays.compareUnsigned(data, kFrom, kFrom + keyLength(pos), k, from, to);
    }

    /**
     * Binary search: the index of the first entry at or after version {@code (k[from, to), seq)}
     * in internal order (key ascending, sequence descending), or {@link #count()} if every entry
     * is before it. With {@code k} a key and {@code seq} a read sequence, that entry is the
     * newest version of {@code k} at or below {@code seq} if it has key {@code k}.
     */
    int seek(byte[] k, int from, int to, long seq) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int pos = entryAt(mid);
            int kFrom = pos + ENTRY_HEADER;
            if (RunFormat.compareInternal(data, kFrom, kFrom + keyLength(pos), sequence(pos),
                    k, from, to, seq) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The array behind the block, for the iterator's key comparisons. Never modify it. */
    byte[] array() {
        return data;
    }
}
