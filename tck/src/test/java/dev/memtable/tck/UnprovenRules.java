package dev.memtable.tck;

import java.util.Map;

/**
 * Rules that no flawed backend of the self-test makes fail, each with the reason it cannot be
 * shown failing (the Reactive Streams TCK's convention). Every other rule must fail on at least
 * one {@link FlawCase}; {@code ContractSelfTest} fails the build otherwise. Keep this list short:
 * a rule never seen to fail proves nothing.
 */
final class UnprovenRules {

    private UnprovenRules() {
    }

    /** Rule id to the reason no realistic flaw can make it fail. */
    static final Map<String, String> REASONS = Map.of();
}
