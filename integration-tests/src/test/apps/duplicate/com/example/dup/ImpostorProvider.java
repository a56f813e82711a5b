package com.example.dup;

import dev.memtable.MemTable;
import dev.memtable.WalOptions;
import dev.memtable.spi.MemTableProvider;
import java.nio.file.Path;

/** A second backend that claims the name "skiplist". */
public final class ImpostorProvider implements MemTableProvider {
    public ImpostorProvider() {
    }

    @Override
    public String name() {
        return "skiplist";
    }

    @Override
    public MemTable create(long id) {
        throw new AssertionError();
    }

    @Override
    public MemTable createWithWal(long id, Path walFile, WalOptions options) {
        throw new AssertionError();
    }

    @Override
    public MemTable recoverFromWal(long id, Path walFile, WalOptions options) {
        throw new AssertionError();
    }
}
