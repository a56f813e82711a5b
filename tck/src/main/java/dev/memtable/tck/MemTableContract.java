package dev.memtable.tck;

import dev.memtable.spi.MemTableProvider;

/**
 * The whole conformance suite for a memtable backend. Adopt it in three lines:
 * <pre>{@code
 * class MyBackendTest extends MemTableContract {
 *     @Override protected MemTableProvider provider() { return new MyProvider(); }
 * }
 * }</pre>
 * Every rule is a JUnit 5 test whose name starts with {@code required_} or {@code optional_} and
 * its id ({@code required_scan03_excludedLowerBound}); a failure message starts with the id in
 * brackets. Rules that need a {@link dev.memtable.spi.Capability} the backend does not declare
 * are reported as skipped with the reason. The rules, grouped by interface, are listed in the tck
 * README.
 *
 * <p>JUnit creates one instance per rule, so each rule gets a fresh fixture: its tables are
 * created with ids 1, 2, 3, … and closed after it.
 */
public abstract class MemTableContract implements BasicRules, OrderingRules, ScanRules,
        IteratorRules, SizeRules, LimitRules, BadInputRules, CloseRules, BatchRules,
        ConcurrencyRules, DifferentialRules, WalRules, FaultRules, MemTableSetRules,
        SequenceRules, SequenceLogRules, VersionConcurrencyRules, SnapshotRules {

    private final TableFixture fixture = new TableFixture(this::provider);

    /** For subclasses. */
    protected MemTableContract() {
    }

    /**
     * Returns the provider of the backend under test; called once per rule. It need not be the
     * instance {@link java.util.ServiceLoader} finds; a new instance is fine.
     */
    protected abstract MemTableProvider provider();

    @Override
    public final TableFixture fixture() {
        return fixture;
    }
}
