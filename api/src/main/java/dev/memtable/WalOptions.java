package dev.memtable;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a memtable uses its write-ahead log. Immutable; derive variants with the {@code with…}
 * methods from {@link #defaults()}.
 *
 * @param syncPolicy when writes become durable
 * @param recoveryMode how recovery treats damage
 * @param corruptionListener told of every damaged region recovery skips or drops (in
 *     {@link RecoveryMode#SALVAGE} each bad record; in the default mode a dropped torn tail); it
 *     runs in the recovering thread
 */
public record WalOptions(SyncPolicy syncPolicy, RecoveryMode recoveryMode,
                         Consumer<WalCorruption> corruptionListener) {

    private static final WalOptions DEFAULTS =
            new WalOptions(SyncPolicy.EXPLICIT, RecoveryMode.TOLERATE_TORN_TAIL, c -> { });

    /** @throws NullPointerException naming any null component */
    public WalOptions {
        Objects.requireNonNull(syncPolicy, "syncPolicy");
        Objects.requireNonNull(recoveryMode, "recoveryMode");
        Objects.requireNonNull(corruptionListener, "corruptionListener");
    }

    /**
     * {@link SyncPolicy#EXPLICIT}, {@link RecoveryMode#TOLERATE_TORN_TAIL}, and a listener that
     * ignores reports (recovery still logs them through {@link System.Logger}).
     */
    public static WalOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a copy with {@code policy}. */
    public WalOptions withSyncPolicy(SyncPolicy policy) {
        return new WalOptions(policy, recoveryMode, corruptionListener);
    }

    /** Returns a copy with {@code mode}. */
    public WalOptions withRecoveryMode(RecoveryMode mode) {
        return new WalOptions(syncPolicy, mode, corruptionListener);
    }

    /** Returns a copy with {@code listener}. */
    public WalOptions withCorruptionListener(Consumer<WalCorruption> listener) {
        return new WalOptions(syncPolicy, recoveryMode, listener);
    }
}
