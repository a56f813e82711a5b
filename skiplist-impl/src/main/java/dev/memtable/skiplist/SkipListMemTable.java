package dev.memtable.skiplist;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.ByteArrays;
import dev.memtable.spi.Versions;
import dev.memtable.spi.Versions.Version;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A memtable on a {@link ConcurrentSkipListMap} from each key's bytes to its chain of versions
 * ({@link Versions}): lock-free puts and gets, weakly consistent iterators straight from the map.
 *
 * <p>The map is keyed by {@code byte[]} in {@link Versions#KEY_ORDER}, the order and comparator
 * of a raw {@code ConcurrentSkipListMap<byte[], byte[]>} with
 * {@link java.util.Arrays#compareUnsigned(byte[], byte[])}, so a search is that map's search:
 * one load of the key array per comparison, no {@code Bytes} wrapper between. A key with one
 * version costs one map entry and one version node; reading the newest version is one map lookup
 * and one read of the node.
 *
 * <p><b>Keys are stored by reference.</b> The map keeps {@link ByteArrays#exact} of the key
 * handed to {@code put}: for a {@code Bytes} that wraps a whole array (what
 * {@link Bytes#wrap(byte[])} makes) that is the caller's array itself, which {@code wrap}'s
 * contract says the caller has given up; a slice is copied. Probes ({@code get}, scan bounds) are
 * looked up the same way, so a get of a whole-array key copies nothing. Values are stored as the
 * caller's {@code Bytes}, and reads return them as stored; scans hand keys out as
 * {@code Bytes.wrap} of the stored arrays.
 */
final class SkipListMemTable extends AbstractMemTable {

    private final ConcurrentSkipListMap<byte[], Version> map =
            new ConcurrentSkipListMap<>(Versions.KEY_ORDER);

    SkipListMemTable(long id) {
        super(id);
    }

    @Override
    protected void doPut(Bytes key, Bytes value, long sequence) {
        Versions.put(map, ByteArrays.exact(key), value, sequence);
    }

    @Override
    protected Bytes doGet(Bytes key, long sequence) {
        return Versions.get(map, ByteArrays.exact(key), sequence);
    }

    @Override
    protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
        return Versions.scanArrays(map, lower, upper, sequence);
    }

    @Override
    protected MemTableIterator doVersions(Bound lower, Bound upper) {
        return Versions.allArrays(map, lower, upper);
    }

    @Override
    protected boolean doIsEmpty() {
        return map.isEmpty();
    }

    @Override
    protected void doClose() {
        map.clear();
    }
}
