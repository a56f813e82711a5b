package dev.memtable.tck;

import dev.memtable.spi.MemTableProvider;

/**
 * The whole conformance suite for a memtable backend. Adopt it in three lines:
 * <pre>{@code
 * class MyBackendTest extends MemTableContract {
 *     @Override protected MemTableProvider provider() { return new MyProvider(); }
 * }
 * }</pre>
 * Every rule is a JUnit 5 test whose name starts with its id; rules of a capability the backend
 * does not declare are reported as skipped with the reason.
 */
public abstract class MemTableContract implements ContractSupport, MemTableSetRules {

    /** For subclasses. */
    protected MemTableContract() {
    }

    @Override
    public abstract MemTableProvider provider();
}
