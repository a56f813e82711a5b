package dev.memtable.tck;

import dev.memtable.tck.HandWrittenProvider.Flaw;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Flawed backends that the plumbing rules must catch: bad input, limits, size, close, the
 * write-ahead log and the faults of an injected log. Each is one slip in
 * {@link HandWrittenProvider}, a backend written without {@code AbstractMemTable} (whose methods
 * are final, so its plumbing cannot be broken from below), as an outside author would write it.
 */
final class LogFlaws {

    /** Rules that compare sizes, so that a wrong size makes them fail too. */
    private static final Set<String> SIZE_CHECKERS = Set.of("batch04", "batch05", "batch06",
            "conc01", "conc02", "conc03", "conc04", "model01", "model02", "set06", "seq05",
            "seq08", "seq12");

    /**
     * Rules of sequences ({@link SequenceRules}, {@link SequenceLogRules}) that the flaws planted
     * before versions also break (a close, a recovery or a log they damage): they join each
     * flaw's "may fail" set.
     */
    private static final Map<Flaw, Set<String>> ALSO_SEEN_BY_SEQUENCE_RULES = Map.ofEntries(
            Map.entry(Flaw.CLOSED_CHECK_AFTER_EARLY_RETURN, Set.of("seq10")),
            Map.entry(Flaw.CLOSE_NOT_IDEMPOTENT, Set.of("seq10")),
            Map.entry(Flaw.RECOVERY_DROPS_LAST_RECORD, Set.of("seq14", "seq15")),
            Map.entry(Flaw.REPLAY_SKIPS_TOMBSTONES, Set.of("seq14", "seq15")),
            Map.entry(Flaw.RECOVERED_TABLE_NOT_LOGGING, Set.of("seq14", "seq15")),
            Map.entry(Flaw.BATCH_LOGGED_PER_ENTRY, Set.of("seq13")),
            Map.entry(Flaw.WAL_PROVIDER_IGNORED, Set.of("seq13", "seq15")),
            Map.entry(Flaw.SYNC_WAL_NEVER_SYNCS, Set.of("seq15")),
            Map.entry(Flaw.CLOSE_LEAKS_LOG, Set.of("seq14", "seq15")),
            Map.entry(Flaw.MEMORY_BEFORE_LOG, Set.of("seq13")),
            Map.entry(Flaw.LOG_BEFORE_CHECKS, Set.of("seq13", "seq14")));

    private LogFlaws() {
    }

    static List<FlawCase> cases() {
        return List.of(
                // bad input
                flawed(Flaw.NULL_KEY_LEFT_TO_MAP, "no null check on the key: the map's"
                        + " NullPointerException names nothing",
                        Set.of("input01", "input03", "input04"), Set.of()),
                flawed(Flaw.NULL_VALUE_IS_DELETE, "put(k, null) is taken for a delete",
                        Set.of("input02", "fault10"), Set.of()),
                flawed(Flaw.NULL_BOUND_IS_UNBOUNDED, "a null scan bound is taken for unbounded",
                        Set.of("input05"), Set.of()),
                flawed(Flaw.NULL_BATCH_IS_EMPTY, "write(null) is taken for an empty batch",
                        Set.of("input06", "fault10"), Set.of()),
                flawed(Flaw.NULL_OPTIONS_MEAN_DEFAULTS, "null WalOptions are taken for the"
                        + " defaults", Set.of("input07"), Set.of()),
                // limits
                flawed(Flaw.KEY_LIMIT_OFF_BY_ONE, "a key of exactly MAX_KEY_LENGTH is refused",
                        Set.of("limit01", "limit03", "wal01"), Set.of()),
                flawed(Flaw.VALUE_LIMIT_OFF_BY_ONE, "a value of exactly MAX_VALUE_LENGTH is"
                        + " refused", Set.of("limit02", "limit04"), Set.of()),
                flawed(Flaw.DELETE_SKIPS_KEY_LIMIT, "delete does not check the key's length",
                        Set.of("limit03", "fault10"), Set.of()),
                flawed(Flaw.BATCH_ENTRY_LIMIT_OFF_BY_ONE, "batch entries are checked again, with"
                        + " >=, so entries at the limits are refused", Set.of("limit05"), Set.of()),
                // size
                flawed(Flaw.SIZE_COUNTS_OVERHEAD, "approximateSize() adds the map's overhead",
                        Set.of("size01", "size02", "size03", "size04", "size05", "limit01",
                                "limit02", "limit03", "limit04", "limit05", "fault02", "fault03",
                                "fault04", "fault07"), SIZE_CHECKERS),
                flawed(Flaw.SIZE_COUNTS_LIVE_BYTES, "an overwrite subtracts what it replaces",
                        Set.of("size03", "size04", "size05", "limit01", "fault02", "fault03",
                                "fault04", "fault07"), SIZE_CHECKERS),
                flawed(Flaw.TOMBSTONES_NOT_COUNTED, "a tombstone adds nothing to the size",
                        Set.of("size04", "size05", "limit01", "limit05", "fault02", "fault03",
                                "fault04", "fault07"), SIZE_CHECKERS),
                // close
                flawed(Flaw.CLOSED_CHECK_AFTER_EARLY_RETURN, "write(empty batch) and scan(empty"
                        + " range) return before the closed check", Set.of("close01"),
                        Set.of("iter05")),
                flawed(Flaw.CLOSE_NOT_IDEMPOTENT, "a second close() throws",
                        Set.of("close02"), Set.of("close01", "close03", "iter05", "iter06")),
                flawed(Flaw.ID_REFUSED_AFTER_CLOSE, "id() checks that the table is open",
                        Set.of("close03"), Set.of()),
                flawed(Flaw.ITERATORS_SURVIVE_CLOSE, "iterators keep working after their table"
                        + " is closed", Set.of("iter06"), Set.of("iter05")),
                // the log, on a real file
                flawed(Flaw.RECOVERY_DROPS_LAST_RECORD, "replay forgets the last record",
                        Set.of("wal01", "wal02", "wal03", "wal04", "wal05", "wal06", "wal09",
                                "fault01", "fault02", "fault03", "fault04", "fault08", "fault09"),
                        Set.of("set10", "set11", "set13")),
                flawed(Flaw.RELOGS_ON_RECOVERY, "replay goes through the logging write path, so"
                        + " every recovery doubles the log", Set.of("wal02"), Set.of()),
                flawed(Flaw.REPLAY_SKIPS_TOMBSTONES, "replay skips deletes",
                        Set.of("wal03", "wal05", "wal06", "fault01", "fault02", "fault03",
                                "fault04"), Set.of("set10", "set11", "set13")),
                flawed(Flaw.RECOVERED_TABLE_NOT_LOGGING, "the recovered table logs nothing",
                        Set.of("wal06"), Set.of("set10", "set11")),
                flawed(Flaw.BATCH_LOGGED_PER_ENTRY, "a batch is logged entry by entry",
                        Set.of("wal04", "fault01"), Set.of()),
                flawed(Flaw.CREATE_REPLACES_EXISTING_FILE, "createWithWal deletes an existing"
                        + " file", Set.of("wal07"), Set.of()),
                flawed(Flaw.RECOVER_CREATES_MISSING_FILE, "recoverFromWal of a missing file"
                        + " creates an empty log", Set.of("wal08"), Set.of()),
                flawed(Flaw.EVERY_WRITE_BUFFERED_PER_THREAD, "EVERY_WRITE records wait in a"
                        + " buffer of the writing thread", Set.of("wal09", "fault03", "fault06"),
                        Set.of("set06", "set10", "set11")),
                flawed(Flaw.DAMAGED_LOG_SALVAGED_BY_DEFAULT, "a recovery refused for"
                        + " corruption is retried in SALVAGE mode: mid-log damage dropped silently",
                        Set.of("wal10", "fault08", "fault09"), Set.of()),
                // the log, through an injected one
                flawed(Flaw.WAL_PROVIDER_IGNORED, "withWalProvider returns the backend unchanged",
                        Set.of("fault01", "fault02", "fault03", "fault05", "fault06", "fault07",
                                "fault08", "fault09", "fault10"), Set.of("fault04", "fault11")),
                flawed(Flaw.SYNC_WAL_NEVER_SYNCS, "syncWal() does nothing",
                        Set.of("fault02", "fault05", "fault06", "fault07"), Set.of("set11")),
                flawed(Flaw.BUFFERED_SYNC_WAL_SKIPPED, "with SyncPolicy.BUFFERED, syncWal() does"
                        + " nothing", Set.of("fault02"), Set.of()),
                flawed(Flaw.SYNC_POLICY_IGNORED, "SyncPolicy.EVERY_WRITE is ignored",
                        Set.of("fault03", "fault06"), Set.of()),
                flawed(Flaw.CLOSE_LEAKS_LOG, "close() never closes (or syncs) the log",
                        Set.of("fault01", "fault04", "fault08", "fault09", "wal01", "wal02",
                                "wal03", "wal04", "wal05", "wal06", "wal09", "wal10"),
                        Set.of("set10", "set11")),
                flawed(Flaw.MEMORY_BEFORE_LOG, "a write changes memory before the log takes it",
                        Set.of("fault05", "fault06", "fault07"), Set.of()),
                flawed(Flaw.SIZE_BEFORE_LOG, "a write is counted in the size before the log"
                        + " takes it", Set.of("fault05", "fault06", "fault07"), Set.of()),
                flawed(Flaw.APPLIED_BEFORE_SYNC, "with EVERY_WRITE, memory changes between the"
                        + " append and the sync", Set.of("fault06"), Set.of()),
                flawed(Flaw.SYNC_ERROR_SWALLOWED, "syncWal() logs a failed sync and returns",
                        Set.of("fault05", "fault06", "fault07"), Set.of()),
                flawed(Flaw.SEAL_SWALLOWS_SYNC_FAILURE, "seal() logs a failed final sync and"
                        + " returns", Set.of("fault11"), Set.of()),
                flawed(Flaw.RECOVERY_IGNORES_OPTIONS, "recoverFromWal ignores the options it is"
                        + " given", Set.of("fault09"), Set.of()),
                // Its logged put appends outside the key's lock, so racing writers may reorder.
                flawed(Flaw.LOG_BEFORE_CHECKS, "the logged write path appends before it checks"
                        + " the arguments", Set.of("fault10"), Set.of("wal09", "set13", "fault11")),
                // sequences
                flawed(Flaw.REPLAY_TAKES_FRESH_SEQUENCES, "replay applies each record at the"
                        + " table's next sequence, not at its own", Set.of("seq14", "seq15"),
                        Set.of("set10", "set11", "set13")),
                flawed(Flaw.LAST_SEQUENCE_IS_LAST_WRITTEN, "lastSequence() is set by each write"
                        + " to its sequence, not raised", Set.of("seq07", "seq14", "seq15"),
                        Set.of("seq04", "seq05", "seq12", "set06", "set10", "set11")),
                flawed(Flaw.UNVERSIONED_COUNTER_IGNORES_VERSIONED, "unversioned writes count their"
                        + " sequences apart from the versioned ones", Set.of("seq07", "seq12"),
                        Set.of("seq06", "seq13", "seq14", "set06", "set10", "set11")),
                flawed(Flaw.SEQUENCE_RAISED_BEFORE_LOG, "lastSequence() is raised when the write"
                        + " takes its sequence, before the log takes the write",
                        Set.of("seq13"), Set.of()),
                flawed(Flaw.SEQUENCE_CHECKED_FROM_ZERO, "a write sequence is checked with < 0, so"
                        + " 0 is taken", Set.of("seq08"), Set.of("seq13")),
                flawed(Flaw.SEQUENCE_UPPER_LIMIT_UNCHECKED, "a write sequence is not checked"
                        + " against MAX_SEQUENCE", Set.of("seq08"), Set.of("seq13")),
                flawed(Flaw.NEGATIVE_READ_SEQUENCE_READS_NEWEST, "a negative read sequence is"
                        + " taken for \"the newest\"", Set.of("seq09"), Set.of()),
                flawed(Flaw.VERSIONS_SKIPS_CLOSED_CHECK, "versions() and lastSequence() skip the"
                        + " closed check", Set.of("seq10"), Set.of()),
                flawed(Flaw.BATCH_AT_SUCCESSIVE_SEQUENCES, "the entries of a batch take successive"
                        + " sequences, as RocksDB numbers them", Set.of("seq06"),
                        Set.of("batch02", "batch06", "conc04", "model01", "model02", "seq03",
                                "vconc01", "vconc02", "vconc03",
                                "seq05", "seq12", "seq13", "seq14", "seq15", "set06", "set10",
                                "set11", "wal01", "wal02", "wal04", "wal05", "wal06",
                                "fault01", "fault02", "fault03", "fault04")));
    }

    private static FlawCase flawed(Flaw flaw, String description, Set<String> mustFail,
                                   Set<String> mayFail) {
        Set<String> may = new java.util.TreeSet<>(mayFail);
        may.addAll(ALSO_SEEN_BY_SEQUENCE_RULES.getOrDefault(flaw, Set.of()));
        may.removeAll(mustFail);
        return new FlawCase(flaw.name().toLowerCase(Locale.ROOT).replace('_', '-'), description,
                () -> new HandWrittenProvider(flaw), mustFail, may);
    }
}
