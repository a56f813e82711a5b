package dev.memtable.tck;

import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Flawed backends that the core rules (a table's map, order, scans, iterators, batches,
 * concurrency and the differential model) catch. Each is one realistic bug planted in a small
 * copy of one of our backends ({@link FlawedProvider} for the skip-list backend,
 * {@link PrefixSkipListProvider} for the arena backend, {@link ChunkedScanProvider} for the
 * tree-map backend) or in a table written without {@code AbstractMemTable}
 * ({@link DirectTableProvider}); {@link CorrectBackendsTest} shows each of those backends
 * correct without its flaw.
 *
 * <p>The first set of each case lists the rules that must fail on it, the second the rules it
 * may also break. Rules whose failure depends on a random seed or on thread timing (the random
 * part of model01 and model02, the concurrency rules, set06) are listed as "must fail" only
 * where they fail on every run; everything in "must fail" was seen failing on every one of many
 * runs.
 */
final class CoreFlaws {

    /** The id of every rule, to catch a misspelt one in a list below. */
    private static final Set<String> KNOWN = RuleCatalog.ruleNames().stream()
            .map(RuleFailureReporter::ruleId).collect(Collectors.toSet());

    private CoreFlaws() {
    }

    /**
     * Rules of versions ({@link SequenceRules}, {@link VersionConcurrencyRules}) that the flaws
     * planted before versions also break, because they read through the map those flaws damage:
     * they join each flaw's "may fail" set.
     */
    private static final Map<String, String> ALSO_SEEN_BY_VERSION_RULES = Map.ofEntries(
            Map.entry("skiplist-copy: signed-order", "seq12"),
            Map.entry("skiplist-copy: drops-tombstones", "seq03 seq04 seq05 seq06 seq11 seq12"),
            Map.entry("skiplist-copy: skips-delete-of-absent-key", "seq06 seq12"),
            Map.entry("skiplist-copy: put-if-absent", "seq01 seq02 seq03 seq04 seq05 seq06 seq07"
                    + " seq11 seq12 vconc01 vconc02 vconc03"),
            Map.entry("skiplist-copy: overwrites-in-place", "seq04 seq06 seq12 vconc01"),
            Map.entry("skiplist-copy: get-absent-as-tombstone", "seq01 seq06 seq09 seq12"),
            Map.entry("skiplist-copy: get-ceiling-entry", "seq01 seq12"),
            Map.entry("skiplist-copy: empty-key-stored-as-zero-byte", "seq12"),
            Map.entry("skiplist-copy: includes-excluded-bounds", "seq02 seq11 seq12"),
            Map.entry("skiplist-copy: upper-bound-always-excluded", "seq02 seq07 seq11 seq12"),
            Map.entry("skiplist-copy: unbounded-lower-from-first-key", "seq11"),
            Map.entry("skiplist-copy: loses-concurrent-writes", "vconc01 vconc02 vconc03"),
            Map.entry("arena-copy: ignores-length", "seq12"),
            Map.entry("arena-copy: shorter-sorts-last", "seq12"),
            Map.entry("arena-copy: links-without-cas", "vconc01 vconc02 vconc03"),
            Map.entry("arena-copy: get-skips-equality-check", "seq01 seq06 seq12"),
            Map.entry("arena-copy: seek-steps-over-equal-key", "seq02 seq07 seq11 seq12"),
            Map.entry("arena-copy: excluded-lower-skips-first-node", "seq02 seq11 seq12"),
            Map.entry("arena-copy: unbounded-scan-skips-first-node", "seq02 seq03 seq04 seq05"
                    + " seq06 seq07 seq11 seq12 vconc01 vconc02 vconc03"),
            Map.entry("arena-copy: upper-checked-with-less-than", "seq02 seq07 seq11 seq12"),
            Map.entry("arena-copy: upper-checked-signed", "seq12"),
            Map.entry("arena-copy: first-node-not-checked-against-upper", "seq12"),
            Map.entry("arena-copy: empty-key-bound-is-unbounded", "seq12"),
            Map.entry("arena-copy: cursor-skips-tombstones", "seq03 seq04 seq05 seq06 seq11"
                    + " seq12"),
            Map.entry("arena-copy: cursor-needs-next-to-start", "seq02 seq03 seq04 seq05 seq06"
                    + " seq07 seq11 seq12 vconc01 vconc02 vconc03"),
            Map.entry("treemap-copy: chunk-arrays-shared-by-iterators", "vconc01 vconc02"),
            Map.entry("treemap-copy: copies-without-read-lock", "vconc01 vconc02"),
            Map.entry("direct-table: equal-bounds-read-as-point-lookup", "seq11 seq12"),
            Map.entry("direct-table: inverted-range-reaches-sub-map", "seq11 seq12"),
            Map.entry("direct-table: batch-loop-stops-one-short", "seq03 seq06 seq12 vconc01"),
            Map.entry("direct-table: batch-deletes-after-puts", "seq12"),
            Map.entry("direct-table: batch-delete-removes-key", "seq03 seq06 seq12"),
            Map.entry("direct-table: batch-size-counts-collapsed-entries", "seq12"),
            Map.entry("direct-table: batch-cleared-after-write", "seq12"));

    static List<FlawCase> cases() {
        List<FlawCase> all = new ArrayList<>();
        all.addAll(skipListCopies());
        all.addAll(arenaCopies());
        all.addAll(treeMapCopies());
        all.addAll(directTables());
        return all;
    }

    /** Bugs in a copy of the skip-list backend: the map, its {@code do…} methods, the provider. */
    private static List<FlawCase> skipListCopies() {
        return List.of(
                map(FlawedProvider.Flaw.SIGNED_ORDER,
                        "order01 order02 order03 order04 order05 order06 model01 model02", ""),
                map(FlawedProvider.Flaw.DROPS_TOMBSTONES,
                        "basic04 basic05 basic06 basic09 scan11 batch03 model01 model02",
                        "basic11 batch02 batch06 conc02 conc03 limit01 scan12"),
                map(FlawedProvider.Flaw.SKIPS_DELETE_OF_ABSENT_KEY, "basic05 basic09 scan11",
                        "basic06 batch03 batch06 conc03 model01 model02 scan12"),
                map(FlawedProvider.Flaw.TOMBSTONE_AS_ZERO_BYTE, "basic02", "model01 model02"),
                map(FlawedProvider.Flaw.PUT_IF_ABSENT, "basic03 basic07 model01 model02",
                        "basic04 basic06 basic11 basic12 batch01 batch02 batch03 batch06 conc01"
                                + " conc02 conc03 conc04 limit01 scan11 set06"),
                map(FlawedProvider.Flaw.OVERWRITES_IN_PLACE, "basic03",
                        "basic12 batch01 conc01 conc03 model01 model02"),
                map(FlawedProvider.Flaw.GET_ABSENT_AS_TOMBSTONE, "basic01 model01 model02",
                        "basic11 basic13 conc01 set06"),
                map(FlawedProvider.Flaw.GET_CEILING_ENTRY, "basic01 model01 model02",
                        "basic13 conc01 set06"),
                map(FlawedProvider.Flaw.GET_REUSES_SCRATCH_BUFFER, "basic14", ""),
                map(FlawedProvider.Flaw.EMPTY_KEY_STORED_AS_ZERO_BYTE, "basic11 order03 model01",
                        ""),
                map(FlawedProvider.Flaw.IS_EMPTY_BY_FIRST_KEY, "basic08",
                        "batch04 model01 model02"),
                map(FlawedProvider.Flaw.IS_EMPTY_COUNTS_LIVE_VALUES, "basic09",
                        "basic04 model01 model02"),
                map(FlawedProvider.Flaw.ID_AS_INT, "basic10", ""),
                map(FlawedProvider.Flaw.MAP_SHARED_BY_TABLES, "basic13",
                        "iter03 model01 model02"),
                map(FlawedProvider.Flaw.INCLUDES_EXCLUDED_BOUNDS,
                        "scan03 scan05 scan06 model01 model02",
                        "conc01 conc03 iter01 iter03 order03 order05 scan08 scan11 scan12"),
                map(FlawedProvider.Flaw.UPPER_BOUND_ALWAYS_EXCLUDED,
                        "scan04 scan10 model01 model02",
                        "conc01 conc03 limit01 order03 order05 scan06 scan12"),
                map(FlawedProvider.Flaw.UNBOUNDED_LOWER_FROM_FIRST_KEY, "scan07 iter03",
                        "iter04 model01 model02 scan06"),
                map(FlawedProvider.Flaw.SYNCHRONIZED_TREE_MAP, "conc01 conc03", "conc05"),
                map(FlawedProvider.Flaw.NAME_FROM_CLASS, "basic15", ""),
                map(FlawedProvider.Flaw.LOSES_CONCURRENT_WRITES, "conc02", "conc03 set06"),
                map(FlawedProvider.Flaw.NEWEST_IS_LAST_INSERTED, "seq04 seq05 seq11 seq12",
                        "vconc01 vconc02 vconc03 seq03 seq06 seq07"),
                map(FlawedProvider.Flaw.EQUAL_SEQUENCE_ADDS_VERSION, "seq05 seq12",
                        "batch02 batch06 model01 model02 vconc03 seq06"),
                map(FlawedProvider.Flaw.VISIBLE_BELOW_SEQUENCE, "seq01 seq02 seq12",
                        "seq03 seq04 seq05 seq06 seq07 set06 vconc01 vconc02 vconc03"),
                map(FlawedProvider.Flaw.TOMBSTONE_FALLS_THROUGH, "seq03 seq12", "seq04 seq06"),
                // vconc01 writes batches, which AbstractMemTable serialises per key: no race there.
                map(FlawedProvider.Flaw.HEAD_INSTALLED_WITHOUT_CAS, "vconc02",
                        "conc02 conc03 conc04 set06 vconc01 vconc03"),
                map(FlawedProvider.Flaw.LINKS_BEFORE_FILLING, "vconc01 vconc02", "vconc03"));
    }

    /** Bugs in a copy of the arena backend's skip list and cursor. */
    private static List<FlawCase> arenaCopies() {
        String scans = "conc01 conc03 model01 model02 scan06 scan12";
        String everything = "basic03 basic05 basic06 basic07 basic12 basic13 batch01 batch02"
                + " batch03 batch06 conc01 conc02 conc03 iter02 iter06 iter07 limit01 limit02"
                + " limit03 model01 model02 order01 order02 order03 order04 order05 order06"
                + " scan01 scan02 scan03 scan04 scan05 scan06 scan08 scan10 scan11 scan12";
        return List.of(
                arena(PrefixSkipListProvider.Flaw.SIGNED_PREFIX, "order06 model01 model02", ""),
                arena(PrefixSkipListProvider.Flaw.SIGNED_AFTER_PREFIX,
                        "order04 order06 model01 model02", ""),
                arena(PrefixSkipListProvider.Flaw.PREFIX_DECIDES, "order04 order06 model01"
                        + " model02", "conc01 conc02 conc03 conc05 set06"),
                arena(PrefixSkipListProvider.Flaw.NO_PREFIX_FOR_EIGHT_BYTE_KEYS,
                        "scan12 order06 model01 model02", "conc04"),
                arena(PrefixSkipListProvider.Flaw.IGNORES_LENGTH,
                        "basic01 order02 order03 order06 model01 model02",
                        "basic11 scan06 scan08"),
                arena(PrefixSkipListProvider.Flaw.SHORTER_SORTS_LAST,
                        "order02 order03 order06 model01 model02", "scan06 scan08"),
                arena(PrefixSkipListProvider.Flaw.LINKS_WITHOUT_CAS, "conc02", "conc03 set06"),
                arena(PrefixSkipListProvider.Flaw.RETRY_IGNORES_EQUAL_KEY, "vconc03",
                        "conc02 conc03 set06"),
                arena(PrefixSkipListProvider.Flaw.OVERWRITE_INSERTS_NODE, "seq05",
                        "batch02 batch06 model01 model02 seq06 seq12 vconc03"),
                arena(PrefixSkipListProvider.Flaw.PUT_KEEPS_DELETED_FLAG, "batch02 seq05",
                        "model01 model02 seq12"),
                arena(PrefixSkipListProvider.Flaw.READ_SEEKS_PAST_EQUAL_SEQUENCE,
                        "seq01 seq12", "seq03 seq04 seq05 seq07 set06 vconc01 vconc02 vconc03"),
                arena(PrefixSkipListProvider.Flaw.GET_SKIPS_EQUALITY_CHECK,
                        "basic01 model01 model02", "basic13 conc01 set06"),
                arena(PrefixSkipListProvider.Flaw.IS_EMPTY_READS_TOP_LEVEL, "basic08 basic09",
                        "basic04 model01 model02 set06 set12"),
                arena(PrefixSkipListProvider.Flaw.SEEK_STEPS_OVER_EQUAL_KEY,
                        "scan02 scan10 model01 model02",
                        "iter07 limit01 order05 scan08 " + scans),
                arena(PrefixSkipListProvider.Flaw.EXCLUDED_LOWER_SKIPS_FIRST_NODE,
                        "scan03 scan06", scans),
                arena(PrefixSkipListProvider.Flaw.UNBOUNDED_SCAN_SKIPS_FIRST_NODE,
                        "scan01 iter01", everything),
                arena(PrefixSkipListProvider.Flaw.UPPER_CHECKED_WITH_LESS_THAN,
                        "scan04 scan10 model01 model02", "limit01 order03 order05 " + scans),
                arena(PrefixSkipListProvider.Flaw.UPPER_CHECKED_SIGNED, "order05",
                        "model01 model02"),
                arena(PrefixSkipListProvider.Flaw.FIRST_NODE_NOT_CHECKED_AGAINST_UPPER,
                        "iter03 scan10", "scan08 " + scans),
                arena(PrefixSkipListProvider.Flaw.EMPTY_KEY_BOUND_IS_UNBOUNDED, "order03 scan06",
                        "model01 model02"),
                arena(PrefixSkipListProvider.Flaw.CURSOR_SKIPS_TOMBSTONES, "scan11",
                        "basic05 basic06 batch02 batch03 batch06 conc02 " + scans),
                arena(PrefixSkipListProvider.Flaw.CURSOR_YIELDS_EVERY_VERSION,
                        "basic03 basic12 seq02", everything + " conc05 seq03 seq04 seq05 seq06"
                                + " seq07 seq11 seq12 vconc01 vconc02 vconc03"),
                arena(PrefixSkipListProvider.Flaw.CURSOR_NEEDS_NEXT_TO_START, "iter01",
                        everything),
                arena(PrefixSkipListProvider.Flaw.NEXT_PAST_END_THROWS, "iter02 iter03", ""),
                arena(PrefixSkipListProvider.Flaw.STALE_ENTRY_PAST_END, "iter02", ""));
    }

    /** Bugs in a copy of the tree-map backend's locking and chunked scans. */
    private static List<FlawCase> treeMapCopies() {
        return List.of(
                chunked(ChunkedScanProvider.Flaw.REFILL_REPEATS_LAST_KEY, "scan12 order06",
                        "conc01 conc02 conc03 conc05 model01 model02"),
                chunked(ChunkedScanProvider.Flaw.REFILL_SKIPS_FIRST_ENTRY, "scan12 order06",
                        "conc01 conc02 conc03 model01 model02"),
                chunked(ChunkedScanProvider.Flaw.COPIES_WITHOUT_READ_LOCK, "conc03",
                        "conc01 conc02 conc05 set06"),
                chunked(ChunkedScanProvider.Flaw.ITERATOR_HOLDS_READ_LOCK, "conc05",
                        "conc01 conc03"),
                chunked(ChunkedScanProvider.Flaw.CHUNK_ARRAYS_SHARED_BY_ITERATORS, "iter07",
                        "conc01 conc03"),
                chunked(ChunkedScanProvider.Flaw.SCAN_IGNORES_SEQUENCE, "seq02 seq12",
                        "seq03 seq04 seq06 seq09 vconc01 vconc02"),
                chunked(ChunkedScanProvider.Flaw.VERSIONS_OLDEST_FIRST, "seq11 seq12",
                        "seq04 seq05 seq06 seq07 vconc02 vconc03"));
    }

    /** Bugs in a table written without {@code AbstractMemTable}. */
    private static List<FlawCase> directTables() {
        return List.of(
                direct(DirectTableProvider.Flaw.EQUAL_BOUNDS_READ_AS_POINT_LOOKUP,
                        "scan08 scan06", "iter03 model01 model02"),
                direct(DirectTableProvider.Flaw.INVERTED_RANGE_REACHES_SUB_MAP,
                        "scan09 scan06", "conc01 conc03 iter03 iter05 model01 model02 scan07"),
                direct(DirectTableProvider.Flaw.SHARED_EMPTY_ITERATOR, "iter05", ""),
                direct(DirectTableProvider.Flaw.ITERATOR_CLOSE_NOT_RECORDED, "iter04", "iter05"),
                direct(DirectTableProvider.Flaw.ITERATOR_IGNORES_TABLE_CLOSE, "iter06", "iter05"),
                direct(DirectTableProvider.Flaw.BATCH_LOOP_STOPS_ONE_SHORT, "batch01",
                        "batch02 batch03 batch06 conc04 limit05 model01 model02 set06"),
                direct(DirectTableProvider.Flaw.BATCH_DELETES_AFTER_PUTS, "batch02",
                        "model01 model02"),
                direct(DirectTableProvider.Flaw.BATCH_DELETE_REMOVES_KEY, "batch03",
                        "batch02 batch06 model01 model02"),
                direct(DirectTableProvider.Flaw.EMPTY_BATCH_SETS_WRITTEN_FLAG, "batch04", ""),
                direct(DirectTableProvider.Flaw.BATCH_SIZE_COUNTS_COLLAPSED_ENTRIES, "batch05",
                        "batch06 model01 model02"),
                direct(DirectTableProvider.Flaw.BATCH_CLEARED_AFTER_WRITE, "batch06",
                        "batch05 conc04 model01 model02"),
                direct(DirectTableProvider.Flaw.BATCH_TAKES_SEQUENCE_PER_ENTRY, "seq06 conc04",
                        "seq12"),
                // Clearing the older versions before storing the new one also opens a window in
                // which a concurrent reader finds the key missing (conc01-conc03, now and then).
                direct(DirectTableProvider.Flaw.ONE_VERSION_PER_KEY, "seq01 seq04",
                        "seq02 seq03 seq05 seq06 seq07 seq11 seq12 vconc01 vconc02 vconc03"
                                + " conc01 conc02 conc03"));
    }

    private static FlawCase map(FlawedProvider.Flaw flaw, String mustFail, String mayFail) {
        return flawCase("skiplist-copy", flaw, flaw.description(),
                () -> new FlawedProvider(flaw, EnumSet.of(Capability.CONCURRENT_WRITES)),
                mustFail, mayFail);
    }

    private static FlawCase arena(PrefixSkipListProvider.Flaw flaw, String mustFail,
                                  String mayFail) {
        return flawCase("arena-copy", flaw, flaw.description(),
                () -> new PrefixSkipListProvider(flaw), mustFail, mayFail);
    }

    private static FlawCase chunked(ChunkedScanProvider.Flaw flaw, String mustFail,
                                    String mayFail) {
        return flawCase("treemap-copy", flaw, flaw.description(),
                () -> new ChunkedScanProvider(flaw), mustFail, mayFail);
    }

    private static FlawCase direct(DirectTableProvider.Flaw flaw, String mustFail,
                                   String mayFail) {
        return flawCase("direct-table", flaw, flaw.description(),
                () -> new DirectTableProvider(flaw), mustFail, mayFail);
    }

    private static FlawCase flawCase(String backend, Enum<?> flaw, String description,
                                     Supplier<MemTableProvider> provider, String mustFail,
                                     String mayFail) {
        String name = backend + ": " + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Set<String> must = ids(name, mustFail);
        Set<String> may = ids(name, mayFail + " "
                + ALSO_SEEN_BY_VERSION_RULES.getOrDefault(name, ""));
        may.removeAll(must);
        return new FlawCase(name, description, provider, must, may);
    }

    /**
     * The rule ids in {@code list}, separated by spaces.
     *
     * @throws IllegalArgumentException if one is not the id of a rule
     */
    private static Set<String> ids(String flaw, String list) {
        Set<String> ids = new TreeSet<>(List.of(list.trim().split(" +")));
        ids.remove("");
        Set<String> unknown = new TreeSet<>(ids);
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(flaw + " names rules that do not exist: " + unknown);
        }
        return ids;
    }

}
