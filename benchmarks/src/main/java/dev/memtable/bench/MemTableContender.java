package dev.memtable.bench;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A memtable backend, used exactly as a library user would: keys and values wrapped with
 * {@link Bytes#wrap(byte[])} (no copy), reads through the {@code Optional} that
 * {@link MemTable#get} returns, scans through a bounded {@link MemTableIterator}.
 */
final class MemTableContender implements Contender {

    private final String name;
    private final MemTable table;

    MemTableContender(String name, MemTable table) {
        this.name = name;
        this.table = table;
    }

    /** The table itself, for benchmarks that need more than the common operations. */
    MemTable table() {
        return table;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        table.put(Bytes.wrap(key), Bytes.wrap(value));
    }

    @Override
    public Object get(byte[] key) {
        return table.get(Bytes.wrap(key)).orElse(null);
    }

    @Override
    public int scan(byte[] from, byte[] to, int expected, Blackhole sink) {
        int n = 0;
        try (MemTableIterator it = table.scan(Bound.included(Bytes.wrap(from)),
                Bound.excluded(Bytes.wrap(to)))) {
            for (; it.isValid(); it.next()) {
                sink.consume(it.key());
                sink.consume(it.value());
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        try {
            table.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the " + name + " table failed", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
