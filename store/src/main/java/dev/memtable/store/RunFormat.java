package dev.memtable.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The constants and little helpers of the run file format ({@code store/FORMAT.md}): field sizes,
 * little-endian access to byte arrays, the masked CRC32C and the internal order of versions.
 * Stateless; thread-safe.
 */
final class RunFormat {

    /** The magic number, the bytes {@code "MTRN"} read as a little-endian u32. */
    static final int MAGIC = 0x4e52544d;
    /** The format version this build writes and reads. */
    static final int VERSION = 1;

    /** An entry's header: keyLength u16, valueLength u32, sequence u64. */
    static final int ENTRY_HEADER = 14;
    /** A data block's fixed trailer after its offset array: count u32, crc u32. */
    static final int BLOCK_TRAILER = 8;
    /** The smallest possible data block: one entry with an empty key and value. */
    static final int MIN_BLOCK = ENTRY_HEADER + 4 + BLOCK_TRAILER;
    /** A block index entry without its key: offset u64, length u32, lastSequence u64, keyLength u16. */
    static final int INDEX_ENTRY_HEADER = 22;
    /** The block index's fixed part: count u32, smallestKeyLength u16, and the crc u32. */
    static final int INDEX_FIXED = 10;
    /** The filter's fixed part: probes u32, lines u32, and the crc u32. */
    static final int FILTER_FIXED = 12;

    private static final int MASK_DELTA = 0xa282ead8;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(
            short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(
            int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(
            long[].class, ByteOrder.LITTLE_ENDIAN);

    private RunFormat() {
    }

    /**
     * Masks a CRC as LevelDB (and our log) does, so that a checksum over data holding checksums
     * does not accidentally validate and all-zero bytes never carry a valid one.
     */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** The masked CRC32C of {@code a[from, to)}. */
    static int crc(byte[] a, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(a, from, to - from);
        return mask((int) crc.getValue());
    }

    /** True if the last four bytes of {@code a[0, end)} are the masked CRC32C of those before. */
    static boolean crcHolds(byte[] a, int end) {
        return end >= 4 && crc(a, 0, end - 4) == getInt(a, end - 4);
    }

    static int getU16(byte[] a, int at) {
        return (short) SHORT.get(a, at) & 0xffff;
    }

    static int getInt(byte[] a, int at) {
        return (int) INT.get(a, at);
    }

    /** A u32 as a non-negative long. */
    static long getU32(byte[] a, int at) {
        return getInt(a, at) & 0xffffffffL;
    }

    static long getLong(byte[] a, int at) {
        return (long) LONG.get(a, at);
    }

    static void putU16(byte[] a, int at, int v) {
        SHORT.set(a, at, (short) v);
    }

    static void putInt(byte[] a, int at, int v) {
        INT.set(a, at, v);
    }

    static void putLong(byte[] a, int at, long v) {
        LONG.set(a, at, v);
    }

    /**
     * Compares version {@code (a[aFrom, aTo), aSeq)} with {@code (b[bFrom, bTo), bSeq)} in the
     * internal order of a run: keys ascending (unsigned), then sequences <em>descending</em>, so
     * the versions of one key come newest first. A probe with sequence {@link Long#MAX_VALUE}
     * sorts before every version of its key, one with {@link Long#MIN_VALUE} after them all.
     */
    static int compareInternal(byte[] a, int aFrom, int aTo, long aSeq,
                               byte[] b, int bFrom, int bTo, long bSeq) {
        int c = Arrays.compareUnsigned(a, aFrom, aTo, b, bFrom, bTo);
        return c != 0 ? c : Long.compare(bSeq, aSeq);
    }

    /** Grows {@code a} to hold at least {@code needed} bytes (doubling), keeping its content. */
    static byte[] ensure(byte[] a, int needed) {
        if (needed <= a.length) {
            return a;
        }
        if (needed < 0) {
            throw new OutOfMemoryError("a buffer of more than 2 GiB was needed");
        }
        return Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8,
                Math.max(needed, 2L * a.length)));
    }
}
