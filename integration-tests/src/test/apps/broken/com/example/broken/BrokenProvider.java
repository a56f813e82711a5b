package com.example.broken;

import dev.memtable.MemTable;
import dev.memtable.WalOptions;
import dev.memtable.spi.MemTableProvider;
import java.nio.file.Path;

/** A backend whose constructor fails, as a misconfigured third-party jar would. */
public final class BrokenProvider implements MemTableProvider {
    public BrokenProvider() {
        throw new IllegalStateException("broken on purpose: missing native library");
    }

    @Override
    public String name() {
        return "broken";
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
