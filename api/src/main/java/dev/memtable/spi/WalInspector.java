package dev.memtable.spi;

import dev.memtable.WalCorruption;
import dev.memtable.WriteBatch;

/**
 * Receives what {@link WalProvider#inspect} finds in a log, in file order: each intact record and
 * each damaged region the recovery mode lets it pass. Called in the inspecting thread.
 */
public interface WalInspector {

    /**
     * An intact record.
     *
     * @param offset the byte offset where the record starts
     * @param length the record's length in bytes, header included
     * @param sequence the sequence of its entries
     * @param batch its entries (a single put or delete is a one-entry batch)
     */
    void record(long offset, long length, long sequence, WriteBatch batch);

    /** A damaged region that the mode tolerates (skipped, or dropped as a torn tail). */
    void damage(WalCorruption corruption);
}
