package dev.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.spi.MemTableProvider;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalInspector;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

/** Discovery rules, driven through the package-private core with scripted service loaders. */
class MemTablesTest {

    /** A provider that only has a name; discovery never creates tables. */
    private record Named(String name) implements MemTableProvider {
        @Override
        public MemTable create(long id) {
            throw new AssertionError("discovery must not create tables");
        }

        @Override
        public MemTable createWithWal(long id, Path walFile, WalOptions options) {
            throw new AssertionError("discovery must not create tables");
        }

        @Override
        public MemTable recoverFromWal(long id, Path walFile, WalOptions options) {
            throw new AssertionError("discovery must not create tables");
        }
    }

    /** An iterable whose iterator yields the given items, throwing any that are errors. */
    @SafeVarargs
    private static <T> Iterable<T> loader(Object... items) {
        return () -> new Iterator<T>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < items.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (next >= items.length) {
                    throw new NoSuchElementException();
                }
                Object item = items[next++];
                if (item instanceof ServiceConfigurationError) {
                    throw (ServiceConfigurationError) item;
                }
                return (T) item;
            }
        };
    }

    @Test
    void discover_sortsByName() {
        List<MemTableProvider> found = MemTables.discover(
                loader(new Named("treemap"), new Named("arena"), new Named("skiplist")));
        assertEquals(List.of("arena", "skiplist", "treemap"),
                found.stream().map(MemTableProvider::name).toList());
    }

    @Test
    void discover_noProvider_saysWhatToAdd() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTables.discover(loader()));
        assertTrue(e.getMessage().contains("No memtable backend found"), e.getMessage());
        assertTrue(e.getMessage().contains("memtable-skiplist"), e.getMessage());
    }

    @Test
    void discover_duplicateName_namesBothClasses() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTables.discover(loader(new Named("skiplist"), new Named("skiplist"))));
        assertTrue(e.getMessage().contains("Two memtable backends are named 'skiplist'"),
                e.getMessage());
        assertTrue(e.getMessage().contains(Named.class.getName()), e.getMessage());
    }

    @Test
    void discover_brokenProvider_isReportedNotSwallowed() {
        ServiceConfigurationError broken = new ServiceConfigurationError(
                "dev.memtable.spi.MemTableProvider: Provider com.example.Broken could not be"
                        + " instantiated");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTables.discover(loader(new Named("skiplist"), broken)));
        assertTrue(e.getMessage().contains("com.example.Broken"), e.getMessage());
        assertTrue(e.getMessage().contains("Loaded fine: [skiplist"), e.getMessage());
        assertSame(broken, e.getSuppressed()[0]);
    }

    @Test
    void discover_endlesslyFailingLoader_terminates() {
        Iterable<MemTableProvider> endless = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new ServiceConfigurationError("always broken");
            }

            @Override
            public MemTableProvider next() {
                throw new ServiceConfigurationError("always broken");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemTables.discover(endless));
        assertTrue(e.getSuppressed().length > 0);
    }

    @Test
    void select_unknownName_listsAvailable() {
        List<MemTableProvider> all = List.of(new Named("skiplist"), new Named("treemap"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemTables.select(all, "nope"));
        assertTrue(e.getMessage().startsWith("Unknown memtable backend 'nope'. Available: [skiplist ("),
                e.getMessage());
        assertTrue(e.getMessage().contains("treemap ("), e.getMessage());
        assertSame(all.get(1), MemTables.select(all, "treemap"));
    }

    @Test
    void chooseDefault_followsTheDocumentedRule() {
        MemTableProvider skip = new Named("skiplist");
        MemTableProvider tree = new Named("treemap");
        MemTableProvider arena = new Named("arena");
        assertSame(skip, MemTables.chooseDefault(List.of(arena, skip, tree), null));
        assertSame(tree, MemTables.chooseDefault(List.of(arena, skip, tree), " treemap "));
        assertSame(arena, MemTables.chooseDefault(List.of(arena), null));
        IllegalStateException several = assertThrows(IllegalStateException.class,
                () -> MemTables.chooseDefault(List.of(arena, tree), null));
        assertTrue(several.getMessage().contains(MemTables.BACKEND_PROPERTY), several.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> MemTables.chooseDefault(List.of(skip), "nope"));
        assertTrue(unknown.getMessage().contains(MemTables.BACKEND_PROPERTY), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
    }

    private static final class FakeWal implements WalProvider {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Wal create(Path file, WalOptions options) {
            throw new AssertionError();
        }

        @Override
        public Wal recover(Path file, WalOptions options, WalReplay replay) {
            throw new AssertionError();
        }

        @Override
        public long inspect(Path file, RecoveryMode mode, WalInspector inspector) {
            throw new AssertionError();
        }
    }

    @Test
    void discoverWal_exactlyOneIsRequired() {
        FakeWal one = new FakeWal();
        assertSame(one, MemTables.discoverWal(loader(one)));
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> MemTables.discoverWal(loader()));
        assertTrue(none.getMessage().contains("memtable-wal"), none.getMessage());
        IllegalStateException two = assertThrows(IllegalStateException.class,
                () -> MemTables.discoverWal(loader(one, new FakeWal())));
        assertTrue(two.getMessage().contains("Several"), two.getMessage());
        ServiceConfigurationError broken = new ServiceConfigurationError("bad wal");
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> MemTables.discoverWal(loader(broken)));
        assertSame(broken, failed.getSuppressed()[0]);
    }
}
