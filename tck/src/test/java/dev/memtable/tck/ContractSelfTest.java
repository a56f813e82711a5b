package dev.memtable.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.tck.FlawedProvider.Flaw;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The kit tests itself: it runs the whole contract, through JUnit's {@link EngineTestKit}, against
 * a correct backend and against backends with one deliberate flaw each ({@link FlawedProvider}),
 * and checks that the rules meant to catch each flaw fail, with the rule id in the message, and
 * that no rule the flaw cannot affect fails (which would make the kit's verdicts noise).
 *
 * <p>The flaws are listed by {@link FlawCatalog}; every rule must fail on at least one of them
 * unless {@link UnprovenRules} says why it cannot.
 */
class ContractSelfTest {

    // The contracts below run only through EngineTestKit. As nested classes they are not picked
    // up by Surefire, whose default excludes skip every class file with a '$' in its name.

    /** The provider the next {@link FlawedContract} run uses; runs are sequential. */
    private static volatile Supplier<MemTableProvider> current;

    static final class FlawedContract extends MemTableContract {
        @Override
        protected MemTableProvider provider() {
            return current.get();
        }
    }

    static final class CorrectContract extends MemTableContract {
        @Override
        protected MemTableProvider provider() {
            return new FlawedProvider(Flaw.NONE, EnumSet.of(Capability.CONCURRENT_WRITES));
        }
    }

    static final class SingleWriterContract extends MemTableContract {
        @Override
        protected MemTableProvider provider() {
            return new FlawedProvider(Flaw.NONE, EnumSet.noneOf(Capability.class));
        }
    }

    static List<FlawCase> flaws() {
        return FlawCatalog.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flaws")
    void flawedBackend_isCaughtByItsRules(FlawCase flaw) {
        current = flaw.provider();
        try {
            Outcome.of(FlawedContract.class, flaw.name()).assertCaught(flaw.mustFail(),
                    flaw.mayFail());
        } finally {
            current = null;
        }
    }

    /** The kit's proof of itself: every rule has been seen to fail on a realistic bug. */
    @Test
    void everyRule_failsOnSomeFlaw() {
        Set<String> ids = RuleCatalog.ruleNames().stream().map(RuleFailureReporter::ruleId)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> proven = new TreeSet<>();
        flaws().forEach(f -> proven.addAll(f.mustFail()));
        Set<String> unknown = new TreeSet<>(proven);
        flaws().forEach(f -> unknown.addAll(f.mayFail()));
        unknown.addAll(UnprovenRules.REASONS.keySet());
        unknown.removeAll(ids);
        assertEquals(Set.of(), unknown, "flaws or exemptions name rules that do not exist");
        Set<String> both = new TreeSet<>(proven);
        both.retainAll(UnprovenRules.REASONS.keySet());
        assertEquals(Set.of(), both, "rules shown failing need no exemption");
        Set<String> neverFail = new TreeSet<>(ids);
        neverFail.removeAll(proven);
        neverFail.removeAll(UnprovenRules.REASONS.keySet());
        assertEquals(Set.of(), neverFail, "rules that no flaw in FlawCatalog makes fail; add a"
                + " realistic flaw that breaks each, or say in UnprovenRules why none can");
    }

    @Test
    void correctBackend_passesEveryRule() {
        Outcome outcome = Outcome.of(CorrectContract.class);
        assertEquals(Map.of(), outcome.failed(), "rules that failed on a correct backend");
        outcome.assertOnlyWalRulesSkipped();
        assertEquals(RuleCatalog.ruleNames().size() - outcome.skipped().size(),
                outcome.passed().size(), "rules that passed on a correct backend");
    }

    @Test
    void backendWithoutConcurrentWrites_skipsThoseRulesWithTheReason() {
        Outcome outcome = Outcome.of(SingleWriterContract.class);
        assertEquals(Map.of(), outcome.failed(),
                "rules that failed on a correct single-writer backend");
        Map<String, String> concurrencySkips = new TreeMap<>(outcome.skipped());
        concurrencySkips.values().removeIf(reason -> reason.contains("Capability.WAL"));
        assertEquals(Set.of("conc02", "conc03", "conc04", "vconc01", "vconc02", "vconc03"),
                concurrencySkips.keySet(),
                "rules skipped for a backend without CONCURRENT_WRITES");
        concurrencySkips.forEach((id, reason) -> assertTrue(
                reason.contains("Capability.CONCURRENT_WRITES") && reason.contains("flawed-none"),
                id + " must be skipped with a reason naming the backend and the capability, was: "
                        + reason));
        assertTrue(outcome.passed().containsAll(Set.of("conc01", "conc05")),
                "the single-writer concurrency rules still run: " + outcome.passed());
    }

    /** Which rules passed, failed (with their failure) and were skipped (with the reason). */
    record Outcome(String contract, Set<String> passed, Map<String, Throwable> failed,
                   Map<String, String> skipped) {

        static Outcome of(Class<? extends MemTableContract> contract) {
            return of(contract, contract.getSimpleName());
        }

        static Outcome of(Class<? extends MemTableContract> contract, String name) {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(contract))
                    .execute();
            Events containers = results.containerEvents();
            assertEquals(0, containers.failed().count(), () -> name
                    + " failed as a whole: " + containers.failed().stream()
                    .map(Outcome::throwable).toList());
            Events tests = results.testEvents();
            Set<String> passed = tests.succeeded().stream().map(Outcome::ruleId)
                    .collect(Collectors.toCollection(TreeSet::new));
            Map<String, Throwable> failed = tests.failed().stream().collect(Collectors.toMap(
                    Outcome::ruleId, Outcome::throwable, (a, b) -> a, TreeMap::new));
            Map<String, String> skipped = tests.aborted().stream().collect(Collectors.toMap(
                    Outcome::ruleId, e -> String.valueOf(throwable(e).getMessage()), (a, b) -> a,
                    TreeMap::new));
            return new Outcome(name, passed, failed, skipped);
        }

        /**
         * Asserts that every rule of {@code mustFail} failed, that no rule outside
         * {@code mustFail} and {@code mayFail} failed, that each failure message starts with
         * its rule id, and that only rules needing a log were skipped.
         */
        void assertCaught(Set<String> mustFail, Set<String> mayFail) {
            Set<String> missed = new TreeSet<>(mustFail);
            missed.removeAll(failed.keySet());
            assertTrue(missed.isEmpty(), contract + ": rules " + missed + " did not catch the flaw;"
                    + " failed: " + failed.keySet() + ", skipped: " + skipped);
            Set<String> unexpected = new TreeSet<>(failed.keySet());
            unexpected.removeAll(mustFail);
            unexpected.removeAll(mayFail);
            assertTrue(unexpected.isEmpty(), () -> contract + ": rules the flaw cannot affect"
                    + " failed: " + unexpected.stream().map(id -> id + ": " + failed.get(id))
                    .toList());
            failed.forEach((id, failure) -> assertTrue(
                    String.valueOf(failure.getMessage()).startsWith("[" + id + "] "),
                    () -> contract + ": the failure of " + id + " must start with [" + id + "]: "
                            + failure.getMessage()));
            assertOnlyWalRulesSkipped();
        }

        /** The self-test backends do not declare WAL, so a rule needing it may be skipped. */
        void assertOnlyWalRulesSkipped() {
            skipped.forEach((id, reason) -> assertTrue(reason.contains("Capability.WAL"),
                    () -> contract + ": " + id + " was skipped: " + reason));
        }

        private static String ruleId(Event event) {
            org.junit.platform.engine.support.descriptor.MethodSource source =
                    (org.junit.platform.engine.support.descriptor.MethodSource) event.getTestDescriptor().getSource()
                    .orElseThrow(() -> new AssertionError("no source for " + event));
            String id = RuleFailureReporter.ruleId(source.getMethodName());
            if (id == null) {
                throw new AssertionError("not a rule: " + source.getMethodName());
            }
            return id;
        }

        private static Throwable throwable(Event event) {
            return event.getRequiredPayload(TestExecutionResult.class).getThrowable()
                    .orElseThrow(() -> new AssertionError("no throwable in " + event));
        }
    }
}
