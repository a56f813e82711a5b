package dev.memtable.treemap;

import dev.memtable.spi.MemTableProvider;
import dev.memtable.tck.MemTableContract;

/** Runs the whole conformance kit against the treemap backend. */
class TreeMapMemTableTest extends MemTableContract {
    @Override
    protected MemTableProvider provider() {
        return new TreeMapMemTableProvider();
    }
}
