package dev.memtable.tck;

import dev.memtable.MemTable;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every group of rules shares. A group is a public interface extending this one whose rules
 * are JUnit 5 {@code default} test methods; {@link MemTableContract} implements every group, so a
 * new group joins the suite by being added to its {@code implements} list.
 *
 * <h2>Writing a rule</h2>
 * <ul>
 *   <li>Name it {@code required_<group><nn>_<what>} or, if it needs a {@link Capability},
 *       {@code optional_<group><nn>_<what>}; the {@code <group><nn>} part is the rule id, stable
 *       once published, and listed in the tck README.</li>
 *   <li>Its Javadoc says what it checks and what to look at when it fails.</li>
 *   <li>Create tables with {@link #newTable()}; they are closed after the rule.</li>
 *   <li>A rule that needs a capability starts with {@link #assumeCapability(Capability)}, so a
 *       backend without it sees the rule skipped with the reason, never passed.</li>
 *   <li>Failures are reported with the rule id in front of the message (by an extension
 *       registered here); assertion messages say what was called and what came back.</li>
 * </ul>
 * Static helpers for keys, values, scans and threads are in {@link TckSupport}; the reference
 * model is {@link ReferenceModel}.
 */
@ExtendWith(RuleFailureReporter.class)
public interface ContractSupport {

    /**
     * Returns this rule's fixture: the provider under test and the tables to close after the
     * rule. {@link MemTableContract} implements it.
     */
    TableFixture fixture();

    /** Returns the provider of the backend under test (asked for once per rule). */
    default MemTableProvider testedProvider() {
        return fixture().provider();
    }

    /** Creates a fresh in-memory table of the backend under test, closed after the rule. */
    default MemTable newTable() {
        return fixture().create();
    }

    /**
     * Skips the calling rule, with a reason naming the capability, unless the backend declares
     * {@code capability} in {@link MemTableProvider#capabilities()}.
     *
     * @throws org.opentest4j.TestAbortedException if the capability is not declared
     */
    default void assumeCapability(Capability capability) {
        MemTableProvider provider = testedProvider();
        Assumptions.assumeTrue(provider.capabilities().contains(capability),
                () -> "backend '" + provider.name() + "' does not declare Capability."
                        + capability + " in capabilities(); this rule needs it, so it is skipped");
    }

    /**
     * Closes every table the rule created. A failing {@code close} fails the rule.
     *
     * @throws Exception the first failure of a {@code close}
     */
    @AfterEach
    default void closeTablesOfRule() throws Exception {
        fixture().closeAll();
    }
}
