package dev.memtable.skiplist;

import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;

/**
 * The {@code "skiplist"} backend: a lock-free {@link java.util.concurrent.ConcurrentSkipListMap}
 * keyed by the keys' bytes. Writers and readers never block one another; the default backend.
 * Found through {@link java.util.ServiceLoader}; use {@code MemTables.provider("skiplist")}.
 */
public final class SkipListMemTableProvider extends AbstractMemTableProvider {

    /** The backend's name. */
    public static final String NAME = "skiplist";

    /** Called by {@link java.util.ServiceLoader}. */
    public SkipListMemTableProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AbstractMemTable create(long id) {
        return new SkipListMemTable(id);
    }
}
