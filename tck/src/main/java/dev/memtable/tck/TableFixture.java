package dev.memtable.tck;

import dev.memtable.MemTable;
import dev.memtable.spi.MemTableProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The per-rule state of a contract: the provider under test, asked for once, and every table (or
 * other resource) the rule created, closed after the rule in reverse order of creation.
 *
 * <p>{@link MemTableContract} keeps one per test instance (JUnit makes a new instance for every
 * rule) and {@link ContractSupport#closeTablesOfRule()} closes it. A class that implements rule
 * groups without extending {@code MemTableContract} creates one in a field:
 * {@code new TableFixture(this::provider)}.
 *
 * <p>Thread-safe: rules may create tables from worker threads.
 */
public final class TableFixture {

    private final Supplier<? extends MemTableProvider> source;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private MemTableProvider provider;
    private long nextId = 1;

    /**
     * @param source supplies the provider under test; called once, on first need
     * @throws NullPointerException if {@code source} is null
     */
    public TableFixture(Supplier<? extends MemTableProvider> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Returns the provider under test, asking the supplier on the first call.
     *
     * @throws NullPointerException if the supplier returns null
     */
    public synchronized MemTableProvider provider() {
        if (provider == null) {
            provider = Objects.requireNonNull(source.get(),
                    "the contract's provider() returned null");
        }
        return provider;
    }

    /**
     * Creates a fresh in-memory table with the next id (1, 2, 3, … within this rule) and closes
     * it after the rule.
     *
     * @throws NullPointerException if the provider's {@code create} returns null
     */
    public MemTable create() {
        long id;
        synchronized (this) {
            id = nextId++;
        }
        return create(id);
    }

    /**
     * Creates a fresh in-memory table with {@code id} and closes it after the rule.
     *
     * @throws NullPointerException if the provider's {@code create} returns null
     */
    public MemTable create(long id) {
        MemTable table = Objects.requireNonNull(provider().create(id),
                () -> "provider '" + provider().name() + "' returned null from create(" + id + ")");
        return closeAfterRule(table);
    }

    /**
     * Registers {@code resource} to be closed after the rule (for tables made some other way,
     * e.g. with a write-ahead log) and returns it.
     *
     * @throws NullPointerException if {@code resource} is null
     */
    public synchronized <T extends AutoCloseable> T closeAfterRule(T resource) {
        resources.add(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    /**
     * Closes every registered resource, newest first, and forgets them. Every one is closed even
     * if some fail; the first failure is thrown with the others suppressed. A table's
     * {@code close} must not fail, so a failure here fails the rule.
     *
     * @throws Exception the first failure of a {@code close}
     */
    public void closeAll() throws Exception {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(resources);
            resources.clear();
        }
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
