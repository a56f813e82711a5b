package dev.memtable.tck;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link MemTableContract}, found by reflection. */
final class RuleCatalog {

    private RuleCatalog() {
    }

    /** Returns the names of every {@code @Test} method of the contract, sorted. */
    static List<String> ruleNames() {
        return Arrays.stream(MemTableContract.class.getMethods())
                .filter(m -> m.isAnnotationPresent(Test.class))
                .map(Method::getName)
                .sorted()
                .toList();
    }
}
