package dev.memtable.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers shared by the store's tests. */
final class StoreTestSupport {

    /** The backends every store test runs over. */
    static final String[] BACKENDS = {"skiplist", "treemap", "arena"};

    private StoreTestSupport() {
    }

    static Bytes b(String s) {
        return Bytes.ofUtf8(s);
    }

    /** Small tables, blocks and run limits, so a few hundred writes flush and merge. */
    static StoreOptions small(String backend) {
        return StoreOptions.defaults().withBackend(backend).withFreezeAtBytes(4096)
                .withBlockSize(256).withBlockCacheBytes(64 << 10).withMaxRuns(4);
    }

    /** Drains an iterator into key → value, checking strict ascent and no tombstone; closes it. */
    static Map<String, String> contents(MemTableIterator it) {
        try (it) {
            Map<String, String> out = new LinkedHashMap<>();
            Bytes previous = null;
            for (; it.isValid(); it.next()) {
                Bytes key = it.key();
                if (previous != null) {
                    assertTrue(previous.compareTo(key) < 0,
                            "keys must ascend strictly: " + previous + " then " + key);
                }
                assertTrue(!it.value().isEmpty(), "a live scan yielded a tombstone for " + key);
                previous = key;
                out.put(key.toUtf8String(), it.value().toUtf8String());
            }
            return out;
        }
    }

    static Map<String, String> all(Store store) {
        return contents(store.scan(Bound.unbounded(), Bound.unbounded()));
    }

    static Map<String, String> all(Snapshot snapshot) {
        return contents(snapshot.scan(Bound.unbounded(), Bound.unbounded()));
    }
}
