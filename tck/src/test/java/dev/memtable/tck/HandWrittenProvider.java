package dev.memtable.tck;

import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.RecoveryMode;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.spi.Wal;
import dev.memtable.spi.WalProvider;
import dev.memtable.spi.WalReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A backend written as an outside author would write one: it implements {@link MemTableProvider}
 * and {@link MemTable} directly ({@link HandWrittenTable}), with its own argument checks, size,
 * closing and write-ahead-log plumbing, and none of {@code AbstractMemTable}. With
 * {@link Flaw#NONE} it is correct; every other {@link Flaw} is one slip of the kind such authors
 * make in the plumbing, which the kit's self-test expects its rules to catch.
 *
 * <p>It logs through the implementation discovery finds (the {@code wal} module on the test
 * path) unless handed one by {@link #withWalProvider}, and declares {@link Capability#WAL} and
 * {@link Capability#CONCURRENT_WRITES}, so every rule of the kit runs against it.
 */
final class HandWrittenProvider implements MemTableProvider {

    /** The one thing the author got wrong. */
    enum Flaw {
        /** None: a correct backend. */
        NONE,
        /** Relies on the map to refuse a null key, whose NullPointerException names nothing. */
        NULL_KEY_LEFT_TO_MAP,
        /** Takes a null value for a delete. */
        NULL_VALUE_IS_DELETE,
        /** Takes a null scan bound for "unbounded". */
        NULL_BOUND_IS_UNBOUNDED,
        /** Takes a null batch for an empty one. */
        NULL_BATCH_IS_EMPTY,
        /** Takes null {@code WalOptions} for the defaults. */
        NULL_OPTIONS_MEAN_DEFAULTS,
        /** Refuses a key of exactly {@code MAX_KEY_LENGTH} bytes ({@code >=} for {@code >}). */
        KEY_LIMIT_OFF_BY_ONE,
        /** Refuses a value of exactly {@code MAX_VALUE_LENGTH} bytes. */
        VALUE_LIMIT_OFF_BY_ONE,
        /** A delete writes its tombstone without checking the key's length. */
        DELETE_SKIPS_KEY_LIMIT,
        /** Checks batch entries again, with {@code >=}: entries at the limits are refused. */
        BATCH_ENTRY_LIMIT_OFF_BY_ONE,
        /** Reports a fixed overhead for the map in {@code approximateSize()}. */
        SIZE_COUNTS_OVERHEAD,
        /** Counts live bytes: an overwrite subtracts the entry it replaces. */
        SIZE_COUNTS_LIVE_BYTES,
        /** A tombstone adds nothing to the size. */
        TOMBSTONES_NOT_COUNTED,
        /** {@code write(empty batch)} and {@code scan(empty range)} skip the closed check. */
        CLOSED_CHECK_AFTER_EARLY_RETURN,
        /** A second {@code close()} throws "already closed". */
        CLOSE_NOT_IDEMPOTENT,
        /** {@code id()} checks that the table is open, like every other method. */
        ID_REFUSED_AFTER_CLOSE,
        /** Iterators check only their own closed flag, not their table's. */
        ITERATORS_SURVIVE_CLOSE,
        /** Replay applies each record when the next one arrives, and so forgets the last. */
        RECOVERY_DROPS_LAST_RECORD,
        /** Replays through the logging write path after reopening the log: every record twice. */
        RELOGS_ON_RECOVERY,
        /** Replay skips deletes ("there is nothing to restore"). */
        REPLAY_SKIPS_TOMBSTONES,
        /** Closes the log after replay: the recovered table logs nothing. */
        RECOVERED_TABLE_NOT_LOGGING,
        /** Logs a batch entry by entry, so a crash can leave half of it. */
        BATCH_LOGGED_PER_ENTRY,
        /** {@code createWithWal} deletes an existing file first. */
        CREATE_REPLACES_EXISTING_FILE,
        /** {@code recoverFromWal} of a missing file creates an empty log instead. */
        RECOVER_CREATES_MISSING_FILE,
        /**
         * With {@code EVERY_WRITE}, records wait in a buffer of the writing thread until it holds
         * 64 of them or that thread syncs or closes (a home-made group commit).
         */
        EVERY_WRITE_BUFFERED_PER_THREAD,
        /** {@code withWalProvider} returns the same backend, logging where discovery says. */
        WAL_PROVIDER_IGNORED,
        /** {@code syncWal()} does nothing ("the appends are on disk already"). */
        SYNC_WAL_NEVER_SYNCS,
        /** With {@code SyncPolicy.BUFFERED}, {@code syncWal()} does nothing. */
        BUFFERED_SYNC_WAL_SKIPPED,
        /** Ignores {@code SyncPolicy.EVERY_WRITE}. */
        SYNC_POLICY_IGNORED,
        /** {@code close()} forgets the log: never closed, never synced. */
        CLOSE_LEAKS_LOG,
        /** Every write changes the map first, then appends. */
        MEMORY_BEFORE_LOG,
        /** Counts the size first, then appends. */
        SIZE_BEFORE_LOG,
        /** With {@code EVERY_WRITE}, memory changes between the append and the sync. */
        APPLIED_BEFORE_SYNC,
        /** {@code syncWal()} logs a failed sync and returns. */
        SYNC_ERROR_SWALLOWED,
        /** {@code seal()} closes the log quietly: a failed final sync is logged, not thrown. */
        SEAL_SWALLOWS_SYNC_FAILURE,
        /** A recovery refused for corruption is retried in {@code SALVAGE} mode. */
        DAMAGED_LOG_SALVAGED_BY_DEFAULT,
        /** {@code recoverFromWal} uses the default options, whatever it is given. */
        RECOVERY_IGNORES_OPTIONS,
        /** The logged write path appends first and checks the arguments afterwards. */
        LOG_BEFORE_CHECKS,
        // ---- sequences
        /** Replay applies each record at the next sequence of the table, not at its own. */
        REPLAY_TAKES_FRESH_SEQUENCES,
        /** {@code lastSequence()} is the sequence of the last write applied, not the highest. */
        LAST_SEQUENCE_IS_LAST_WRITTEN,
        /**
         * Unversioned writes take their sequences from a counter of their own, which versioned
         * writes do not raise.
         */
        UNVERSIONED_COUNTER_IGNORES_VERSIONED,
        /** {@code lastSequence()} is raised when the write takes its sequence, before the log. */
        SEQUENCE_RAISED_BEFORE_LOG,
        /** A write sequence is checked with {@code < 0}: sequence 0 is taken. */
        SEQUENCE_CHECKED_FROM_ZERO,
        /** A write sequence is not checked against {@code MAX_SEQUENCE}. */
        SEQUENCE_UPPER_LIMIT_UNCHECKED,
        /** A negative read sequence means "the newest", as {@code -1} does in some engines. */
        NEGATIVE_READ_SEQUENCE_READS_NEWEST,
        /** {@code versions()} and {@code lastSequence()}, added later, skip the closed check. */
        VERSIONS_SKIPS_CLOSED_CHECK,
        /**
         * The entries of a batch take successive sequences from the batch's (as RocksDB numbers
         * them), so a batch at {@code s} is not wholly visible at {@code s}.
         */
        BATCH_AT_SUCCESSIVE_SEQUENCES
    }

    private final Flaw flaw;
    /** The log implementation handed in, or null to find one through discovery. */
    private final WalProvider logs;

    HandWrittenProvider(Flaw flaw) {
        this(flaw, null);
    }

    private HandWrittenProvider(Flaw flaw, WalProvider logs) {
        this.flaw = flaw;
        this.logs = logs;
    }

    @Override
    public String name() {
        return "hand-written" + (flaw == Flaw.NONE ? ""
                : "-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.WAL, Capability.CONCURRENT_WRITES);
    }

    @Override
    public MemTable create(long id) {
        return new HandWrittenTable(id, flaw);
    }

    @Override
    public MemTable createWithWal(long id, Path walFile, WalOptions options) throws IOException {
        options = checked(walFile, options);
        if (flaw == Flaw.CREATE_REPLACES_EXISTING_FILE) {
            Files.deleteIfExists(walFile);
        }
        HandWrittenTable table = new HandWrittenTable(id, flaw);
        table.attach(logs().create(walFile, options), options);
        return table;
    }

    @Override
    public MemTable recoverFromWal(long id, Path walFile, WalOptions options) throws IOException {
        options = checked(walFile, options);
        if (flaw == Flaw.RECOVERY_IGNORES_OPTIONS) {
            options = WalOptions.defaults();
        }
        try {
            return recover(id, walFile, options);
        } catch (NoSuchFileException e) {
            if (flaw == Flaw.RECOVER_CREATES_MISSING_FILE) {
                return createWithWal(id, walFile, options);
            }
            throw e;
        } catch (WalCorruptionException e) {
            if (flaw == Flaw.DAMAGED_LOG_SALVAGED_BY_DEFAULT) {
                return recover(id, walFile, options.withRecoveryMode(RecoveryMode.SALVAGE));
            }
            throw e;
        }
    }

    private MemTable recover(long id, Path walFile, WalOptions options) throws IOException {
        HandWrittenTable table = new HandWrittenTable(id, flaw);
        List<Replayed> replayed = new ArrayList<>();
        WalReplay replay = switch (flaw) {
            case RELOGS_ON_RECOVERY -> (sequence, batch) -> replayed.add(
                    new Replayed(sequence, batch));
            case RECOVERY_DROPS_LAST_RECORD -> new WalReplay() {
                private Replayed previous;

                @Override
                public void replay(long sequence, WriteBatch batch) {
                    if (previous != null) {
                        table.replay(previous.sequence(), previous.batch());
                    }
                    previous = new Replayed(sequence, batch);
                }
            };
            default -> table::replay;
        };
        Wal log = logs().recover(walFile, options, replay);
        if (flaw == Flaw.RECOVERED_TABLE_NOT_LOGGING) {
            log.close();
            return table;
        }
        table.attach(log, options);
        replayed.forEach(r -> table.write(r.batch(), r.sequence()));
        return table;
    }

    /** A record handed over by recovery. */
    private record Replayed(long sequence, WriteBatch batch) {
    }

    @Override
    public MemTableProvider withWalProvider(WalProvider logs) {
        Objects.requireNonNull(logs, "logs");
        return flaw == Flaw.WAL_PROVIDER_IGNORED ? this : new HandWrittenProvider(flaw, logs);
    }

    private WalOptions checked(Path walFile, WalOptions options) {
        Objects.requireNonNull(walFile, "walFile");
        if (flaw == Flaw.NULL_OPTIONS_MEAN_DEFAULTS && options == null) {
            return WalOptions.defaults();
        }
        return Objects.requireNonNull(options, "options");
    }

    private WalProvider logs() {
        return logs != null ? logs : MemTables.walProvider();
    }

    @Override
    public String toString() {
        return name() + (logs != null ? " logging through " + logs.name() : "");
    }
}
