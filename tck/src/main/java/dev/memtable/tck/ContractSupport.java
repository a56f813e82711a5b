package dev.memtable.tck;

import dev.memtable.spi.MemTableProvider;

/**
 * What every group of rules needs from the adopting test: the backend under test. Rule groups are
 * interfaces with default test methods; {@link MemTableContract} implements all of them.
 */
public interface ContractSupport {

    /** Returns the provider of the backend under test; called once per rule. */
    MemTableProvider provider();
}
