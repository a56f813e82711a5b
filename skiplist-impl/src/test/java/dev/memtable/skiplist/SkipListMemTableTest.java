package dev.memtable.skiplist;

import dev.memtable.spi.MemTableProvider;
import dev.memtable.tck.MemTableContract;

/** Runs the whole conformance kit against the skiplist backend. */
class SkipListMemTableTest extends MemTableContract {
    @Override
    protected MemTableProvider provider() {
        return new SkipListMemTableProvider();
    }
}
