package dev.memtable.spi;

import dev.memtable.WalCorruption;

/**
 * Receives what {@link WalProvider#verify} finds in a log, in file order: the framing of each
 * intact record (where it is, its sequence and how many entries it holds, but not the entries
 * themselves) and each damaged region the recovery mode lets it pass. Called in the verifying
 * thread. For a pass that only needs to know whether, and where, a log is intact (as
 * {@code memtable wal verify} does): a provider need not build any entry for it.
 */
public interface WalVerifier {

    /**
     * An intact record: both checksums hold and its payload follows the grammar, exactly as
     * {@link WalProvider#inspect} and recovery would accept it.
     *
     * @param offset the byte offset where the record starts
     * @param length the record's length in bytes, header included
     * @param sequence the sequence of its entries
     * @param entries how many entries it holds (at least 1)
     */
    void record(long offset, long length, long sequence, int entries);

    /** A damaged region that the mode tolerates (skipped, or dropped as a torn tail). */
    void damage(WalCorruption corruption);
}
