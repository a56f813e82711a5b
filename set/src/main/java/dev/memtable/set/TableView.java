package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;

import java.io.IOException;
import java.util.Optional;

/**
 * The read-only face of a table owned by a {@link MemTableSet}: reads go to the table, writes and
 * {@code close} are refused, because a write that bypassed the set could land in a frozen table
 * after it was flushed (and be lost), and only the set may close its tables.
 */
final class TableView implements MemTable {

    private final MemTable table;

    TableView(MemTable table) {
        this.table = table;
    }

    @Override
    public long id() {
        return table.id();
    }

    @Override
    public void put(Bytes key, Bytes value) {
        throw refused("put");
    }

    @Override
    public void delete(Bytes key) {
        throw refused("delete");
    }

    @Override
    public void write(WriteBatch batch) {
        throw refused("write");
    }

    @Override
    public void put(Bytes key, Bytes value, long sequence) {
        throw refused("put");
    }

    @Override
    public void delete(Bytes key, long sequence) {
        throw refused("delete");
    }

    @Override
    public void write(WriteBatch batch, long sequence) {
        throw refused("write");
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        return table.get(key);
    }

    @Override
    public Optional<Bytes> get(Bytes key, long sequence) {
        return table.get(key, sequence);
    }

    @Override
    public MemTableIterator scan(Bound lower, Bound upper) {
        return table.scan(lower, upper);
    }

    @Override
    public MemTableIterator scan(Bound lower, Bound upper, long sequence) {
        return table.scan(lower, upper, sequence);
    }

    @Override
    public MemTableIterator versions(Bound lower, Bound upper) {
        return table.versions(lower, upper);
    }

    @Override
    public long lastSequence() {
        return table.lastSequence();
    }

    @Override
    public long approximateSize() {
        return table.approximateSize();
    }

    @Override
    public boolean isEmpty() {
        return table.isEmpty();
    }

    @Override
    public void syncWal() throws IOException {
        table.syncWal();
    }

    @Override
    public void seal() {
        throw new UnsupportedOperationException("memtable " + table.id() + " belongs to a"
                + " MemTableSet, which seals it when it freezes it");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("memtable " + table.id() + " belongs to a"
                + " MemTableSet, which closes it: release a flushed table with"
                + " MemTableSet.flushed(table), or close the set");
    }

    @Override
    public String toString() {
        return table.toString();
    }

    private UnsupportedOperationException refused(String operation) {
        return new UnsupportedOperationException(operation + " on memtable " + table.id()
                + " refused: the tables of a MemTableSet are read-only, write through the set");
    }
}
