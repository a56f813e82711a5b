package dev.memtable.store;

import static dev.memtable.store.RunFormat.FILTER_FIXED;
import static dev.memtable.store.RunFormat.INDEX_FIXED;

import dev.memtable.MemTable;
import java.nio.file.Path;

/**
 * The fixed-size footer at the end of a run file ({@code store/FORMAT.md}, "Footer"): where the
 * index and the filter are, how many entries the run holds, their sequence range and the run's
 * id, then version, magic and a checksum. Immutable; thread-safe.
 *
 * @param indexOffset where the block index starts (= where the data blocks end)
 * @param indexLength the index's length, its checksum included
 * @param filterOffset where the filter starts (= where the index ends)
 * @param filterLength the filter's length, its checksum included; 0 if the run has no filter
 * @param entries the number of entries (versions)
 * @param minSequence the lowest sequence of any entry, 0 if none
 * @param maxSequence the highest sequence of any entry, 0 if none
 * @param runId the id the run was written as
 */
record RunFooter(long indexOffset, long indexLength, long filterOffset, long filterLength,
                 long entries, long minSequence, long maxSequence, long runId) {

    /** The footer's size in bytes. */
    static final int SIZE = 76;
    private static final int VERSION_AT = 64;
    private static final int MAGIC_AT = 68;
    private static final int CRC_AT = 72;
    /** The longest index or filter a reader accepts: it is read into one array. */
    private static final long MAX_SECTION = Integer.MAX_VALUE - 64;

    /** The footer's bytes. */
    byte[] encode() {
        byte[] b = new byte[SIZE];
        RunFormat.putLong(b, 0, indexOffset);
        RunFormat.putLong(b, 8, indexLength);
        RunFormat.putLong(b, 16, filterOffset);
        RunFormat.putLong(b, 24, filterLength);
        RunFormat.putLong(b, 32, entries);
        RunFormat.putLong(b, 40, minSequence);
        RunFormat.putLong(b, 48, maxSequence);
        RunFormat.putLong(b, 56, runId);
        RunFormat.putInt(b, VERSION_AT, RunFormat.VERSION);
        RunFormat.putInt(b, MAGIC_AT, RunFormat.MAGIC);
        RunFormat.putInt(b, CRC_AT, RunFormat.crc(b, 0, CRC_AT));
        return b;
    }

    /**
     * Checks and decodes the last {@link #SIZE} bytes {@code b} of {@code file}, which is
     * {@code fileSize} bytes long and was opened as run {@code expectedId}: in this order the
     * magic, the checksum, the version, the run id, then that index, filter and footer follow
     * each other exactly up to the end of the file with lengths a reader can hold, and that the
     * entry count and sequence range agree.
     *
     * @throws StoreCorruptionException naming {@code file} and the offset of the bad field (the
     *     footer's start for a checksum mismatch)
     */
    static RunFooter decode(Path file, long fileSize, byte[] b, long expectedId)
            throws StoreCorruptionException {
        long at = fileSize - SIZE;
        int magic = RunFormat.getInt(b, MAGIC_AT);
        if (magic != RunFormat.MAGIC) {
            throw new StoreCorruptionException(file, at + MAGIC_AT, String.format(
                    "no run footer: magic is 0x%08x, expected 0x%08x (\"MTRN\"); the file is"
                            + " truncated, damaged or not a run", magic, RunFormat.MAGIC));
        }
        if (RunFormat.crc(b, 0, CRC_AT) != RunFormat.getInt(b, CRC_AT)) {
            throw new StoreCorruptionException(file, at, "footer checksum mismatch");
        }
        int version = RunFormat.getInt(b, VERSION_AT);
        if (version != RunFormat.VERSION) {
            throw new StoreCorruptionException(file, at + VERSION_AT, "run format version "
                    + version + "; this build reads only version " + RunFormat.VERSION);
        }
        RunFooter f = new RunFooter(RunFormat.getLong(b, 0), RunFormat.getLong(b, 8),
                RunFormat.getLong(b, 16), RunFormat.getLong(b, 24), RunFormat.getLong(b, 32),
                RunFormat.getLong(b, 40), RunFormat.getLong(b, 48), RunFormat.getLong(b, 56));
        if (f.runId != expectedId) {
            throw new StoreCorruptionException(file, at + 56, "the footer names run " + f.runId
                    + " but the file was opened as run " + expectedId);
        }
        if (f.indexOffset < 0 || f.indexOffset > at || f.indexLength < INDEX_FIXED || f.indexLength > MAX_SECTION
                || f.filterLength < 0 || f.filterLength > MAX_SECTION
                || (f.filterLength != 0 && f.filterLength < FILTER_FIXED)
                || f.indexOffset + f.indexLength != f.filterOffset
                || f.filterOffset + f.filterLength != at) {
            throw new StoreCorruptionException(file, at, "footer places the index at "
                    + f.indexOffset + " (" + f.indexLength + " bytes) and the filter at "
                    + f.filterOffset + " (" + f.filterLength + " bytes), which does not fit a "
                    + fileSize + "-byte file whose footer starts at " + at);
        }
        boolean sane = f.entries == 0
                ? f.minSequence == 0 && f.maxSequence == 0 && f.indexOffset == 0
                : f.entries > 0 && f.minSequence >= 1 && f.minSequence <= f.maxSequence
                        && f.maxSequence <= MemTable.MAX_SEQUENCE && f.indexOffset > 0;
        if (!sane) {
            throw new StoreCorruptionException(file, at + 32, "footer says " + f.entries
                    + " entries with sequences " + f.minSequence + " .. " + f.maxSequence
                    + " and " + f.indexOffset + " bytes of data blocks");
        }
        return f;
    }
}
