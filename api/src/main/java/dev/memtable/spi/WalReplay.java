package dev.memtable.spi;

import dev.memtable.WriteBatch;

/**
 * Receives the records of a write-ahead log during recovery ({@link WalProvider#recover}), in file
 * order: each record's entries and the one sequence they were written at. The recovering thread
 * calls it, one record at a time, before {@code recover} returns, so it need not be thread-safe.
 * Arguments are never null; a record whose sequence is out of range is damage, never replayed. An
 * exception it throws stops recovery and propagates from {@code recover}.
 */
@FunctionalInterface
public interface WalReplay {

    /**
     * Replays one intact record.
     *
     * @param sequence the sequence of every entry of the record (1 .. {@code MAX_SEQUENCE})
     * @param batch the record's entries; a single put or delete is a one-entry batch
     */
    void replay(long sequence, WriteBatch batch);
}
