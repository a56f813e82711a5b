package dev.memtable.arena;

import dev.memtable.spi.MemTableProvider;
import dev.memtable.tck.MemTableContract;

/** Runs the conformance kit against the arena backend. */
class ArenaMemTableTest extends MemTableContract {

    @Override
    public MemTableProvider provider() {
        return new ArenaMemTableProvider();
    }
}
