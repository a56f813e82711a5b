package dev.memtable;

/**
 * How recovery of a write-ahead log treats damage. Modelled on RocksDB's WAL recovery modes; the
 * log format and the reasons reported are described in the {@code wal} module's FORMAT.md.
 */
public enum RecoveryMode {
    /**
     * The default. An incomplete or corrupt final record with nothing valid after it (a torn
     * tail: truncated, zero-filled or garbage) is what a crash mid-append leaves: it is dropped,
     * and the file is truncated to the last good record before new appends. A bad record followed
     * by a valid one is real corruption: recovery fails with a {@link WalCorruptionException}
     * naming the file, offset and reason, and applies nothing past the hole.
     */
    TOLERATE_TORN_TAIL,
    /** Any imperfection, a torn tail included, fails recovery with a {@link WalCorruptionException}. */
    STRICT,
    /**
     * Skips every bad region, reports each one (offset, length, reason) to the
     * {@linkplain WalOptions#corruptionListener() listener}, and keeps every valid record. For
     * getting data out of a damaged log; it may resurrect writes that a lost record had replaced.
     */
    SALVAGE
}
