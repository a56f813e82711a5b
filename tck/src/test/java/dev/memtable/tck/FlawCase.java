package dev.memtable.tck;

import dev.memtable.spi.MemTableProvider;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One deliberately broken backend (or broken log under a backend) of the kit's self-test, and the
 * rules that must catch it.
 *
 * @param name a short name for reports, e.g. {@code "signed-order"}
 * @param description the bug, as a backend author would make it
 * @param provider a fresh provider of the broken backend; called once per rule
 * @param mustFail the rule ids that must fail on it: the proof that each of them can fail
 * @param mayFail rule ids that the flaw also affects and that may fail; any other failing rule is
 *     an error (a rule failing on a bug it is not about makes the kit's verdicts noise)
 */
record FlawCase(String name, String description, Supplier<MemTableProvider> provider,
                Set<String> mustFail, Set<String> mayFail) {

    FlawCase {
        mustFail = Set.copyOf(mustFail);
        mayFail = Set.copyOf(mayFail);
        if (mustFail.isEmpty()) {
            throw new IllegalArgumentException(name + ": a flaw must be caught by some rule");
        }
        Set<String> both = new TreeSet<>(mustFail);
        both.retainAll(mayFail);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + both + " in mustFail and mayFail");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
