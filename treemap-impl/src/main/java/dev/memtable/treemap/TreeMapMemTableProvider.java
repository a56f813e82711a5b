package dev.memtable.treemap;

import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;

/**
 * The {@code "treemap"} backend: a red-black {@link java.util.TreeMap} guarded by a read-write
 * lock. Reads run in parallel; writes are exclusive. A baseline, and a choice where a compact,
 * cache-friendlier tree beats lock-freedom (few writer threads). Use
 * {@code MemTables.provider("treemap")}.
 */
public final class TreeMapMemTableProvider extends AbstractMemTableProvider {

    /** The backend's name. */
    public static final String NAME = "treemap";

    /** Called by {@link java.util.ServiceLoader}. */
    public TreeMapMemTableProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AbstractMemTable create(long id) {
        return new TreeMapMemTable(id);
    }
}
