package dev.memtable.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memtable.spi.MemTableProvider;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flawed backends of {@link CoreFlaws} are each one bug away from a correct backend; this
 * runs the whole contract against those correct backends, so a rule that fails on a flaw fails
 * because of the flaw, not because of the backend it was planted in.
 */
class CorrectBackendsTest {

    // Runs only through EngineTestKit (see ContractSelfTest).
    private static volatile Supplier<MemTableProvider> current;

    static final class Contract extends MemTableContract {
        @Override
        protected MemTableProvider provider() {
            return current.get();
        }
    }

    static List<Supplier<MemTableProvider>> backends() {
        return List.of(
                named(() -> new PrefixSkipListProvider(PrefixSkipListProvider.Flaw.NONE)),
                named(() -> new ChunkedScanProvider(ChunkedScanProvider.Flaw.NONE)),
                named(() -> new DirectTableProvider(DirectTableProvider.Flaw.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void correctBackend_passesEveryRule(Supplier<MemTableProvider> backend) {
        current = backend;
        try {
            ContractSelfTest.Outcome outcome = ContractSelfTest.Outcome.of(Contract.class,
                    backend.toString());
            assertEquals(Map.of(), outcome.failed(), "rules that failed on " + backend);
            outcome.assertOnlyWalRulesSkipped();
        } finally {
            current = null;
        }
    }

    /** A supplier whose {@code toString} is the backend's name, for the test report. */
    private static Supplier<MemTableProvider> named(Supplier<MemTableProvider> supplier) {
        String name = supplier.get().name();
        return new Supplier<>() {
            @Override
            public MemTableProvider get() {
                return supplier.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
