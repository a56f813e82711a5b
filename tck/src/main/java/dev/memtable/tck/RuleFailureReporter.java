package dev.memtable.tck;

import java.lang.reflect.Method;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit extension, registered on {@link ContractSupport}, that puts the rule id in front of
 * every failure of a rule (and of the closing of its tables), so a report line such as
 * {@code [scan03] scan(excluded(b"d"), unbounded) ...} says which rule broke even where the test
 * name is cut off. An assertion keeps its type, expected and actual values and stack; any other
 * exception (the backend threw) becomes an {@link AssertionError} with it as the cause. Skips from
 * assumptions pass through unchanged.
 */
public final class RuleFailureReporter implements TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

    /**
     * A rule's method name: {@code required_scan03_excludedLowerBound} has group 1
     * {@code required} and group 2, the id, {@code scan03}.
     */
    static final Pattern RULE_NAME =
            Pattern.compile("(required|optional)_([a-z]+[0-9]{2})_[A-Za-z0-9]+");

    /** Created by JUnit for every class that implements {@link ContractSupport}. */
    public RuleFailureReporter() {
    }

    /** Rethrows {@code failure} with the rule id in front of its message. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw withRuleId(context, failure);
    }

    /** Rethrows a failure of an {@code @AfterEach} method with the rule id in front. */
    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context,
                                                        Throwable failure) throws Throwable {
        throw withRuleId(context, failure);
    }

    /** Returns the rule id of a rule method's name, or null if the name is not a rule's. */
    static String ruleId(String methodName) {
        Matcher m = RULE_NAME.matcher(methodName);
        return m.matches() ? m.group(2) : null;
    }

    private static Throwable withRuleId(ExtensionContext context, Throwable failure) {
        if (failure instanceof TestAbortedException) {
            return failure;
        }
        String id = context.getTestMethod().map(Method::getName).map(RuleFailureReporter::ruleId)
                .orElse(null);
        if (id == null) {
            return failure;
        }
        String prefix = "[" + id + "] ";
        String message = failure.getMessage();
        if (message != null && message.startsWith(prefix)) {
            return failure;
        }
        AssertionError named;
        if (failure instanceof AssertionFailedError afe && afe.isExpectedDefined()
                && afe.isActualDefined()) {
            named = new AssertionFailedError(prefix + message, afe.getExpected().getValue(),
                    afe.getActual().getValue(), afe.getCause());
        } else if (failure instanceof AssertionError) {
            named = new AssertionError(prefix + message, failure.getCause());
        } else {
            return keep(new AssertionError(prefix + "the backend threw " + failure, failure),
                    null);
        }
        return keep(named, failure);
    }

    /** Copies the stack and suppressed exceptions of {@code original} (if any) to {@code named}. */
    private static AssertionError keep(AssertionError named, Throwable original) {
        if (original != null) {
            named.setStackTrace(original.getStackTrace());
            for (Throwable s : original.getSuppressed()) {
                named.addSuppressed(s);
            }
        }
        return named;
    }
}
