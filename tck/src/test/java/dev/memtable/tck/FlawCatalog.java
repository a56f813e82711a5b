package dev.memtable.tck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.List;

/** Every {@link FlawCase} of the self-test, from the catalogue of each rule family. */
final class FlawCatalog {

    private FlawCatalog() {
    }

    /**
     * The flaws that prove the snapshot rules ({@code SnapshotRules}): each must make its rule
     * fail, deterministically.
     */
    private static final Map<String, Set<String>> CAUGHT_BY_SNAPSHOT_RULES = Map.of(
            "skiplist-copy: visible-below-sequence", Set.of("snap01"),
            "treemap-copy: scan-ignores-sequence", Set.of("snap02"),
            "treemap-copy: versions-oldest-first", Set.of("snap03"),
            "replay-takes-fresh-sequences", Set.of("snap04"));

    /**
     * Snapshot rules that other flaws also break, as observed: the snapshot rules read a whole set
     * through the backend (scans, bounded scans, gets at a sequence, recovery), so a backend bug
     * in any of those shows there too. snap02 runs concurrent writers, readers and freezes, so
     * it may fail on any flaw (a racy bug shows in it on some runs and not others); its proof is
     * {@code scan-ignores-sequence}.
     */
    private static final Map<String, String> ALSO_SEEN_BY_SNAPSHOT_RULES = Map.ofEntries(
            Map.entry("skiplist-copy: drops-tombstones", "snap01 snap03"),
            Map.entry("skiplist-copy: skips-delete-of-absent-key", "snap01"),
            Map.entry("skiplist-copy: put-if-absent", "snap01 snap03"),
            Map.entry("skiplist-copy: get-absent-as-tombstone", "snap01"),
            Map.entry("skiplist-copy: get-ceiling-entry", "snap01"),
            Map.entry("skiplist-copy: upper-bound-always-excluded", "snap01"),
            Map.entry("skiplist-copy: unbounded-lower-from-first-key", "seq12"),
            Map.entry("skiplist-copy: tombstone-falls-through", "snap01"),
            Map.entry("arena-copy: read-seeks-past-equal-sequence", "snap01"),
            Map.entry("arena-copy: get-skips-equality-check", "snap01"),
            Map.entry("arena-copy: is-empty-reads-top-level", "snap01 snap03"),
            Map.entry("arena-copy: seek-steps-over-equal-key", "snap01"),
            Map.entry("arena-copy: unbounded-scan-skips-first-node", "snap01 snap03"),
            Map.entry("arena-copy: upper-checked-with-less-than", "snap01"),
            Map.entry("arena-copy: first-node-not-checked-against-upper", "snap01"),
            Map.entry("arena-copy: cursor-skips-tombstones", "snap01 snap03"),
            Map.entry("arena-copy: cursor-needs-next-to-start", "snap01 snap03"),
            Map.entry("direct-table: one-version-per-key", "snap03"),
            Map.entry("recovery-drops-last-record", "snap04"),
            Map.entry("replay-skips-tombstones", "snap04"),
            Map.entry("close-leaks-log", "snap04"),
            Map.entry("batch-at-successive-sequences", "snap04"));

    static List<FlawCase> all() {
        List<FlawCase> all = new ArrayList<>();
        all.addAll(CoreFlaws.cases());
        all.addAll(LogFlaws.cases());
        all.addAll(SetFlaws.cases());
        all.replaceAll(FlawCatalog::withSnapshotRules);
        return all;
    }

    /** Adds what the snapshot rules must and may catch of {@code c}. */
    private static FlawCase withSnapshotRules(FlawCase c) {
        Set<String> must = new TreeSet<>(c.mustFail());
        must.addAll(CAUGHT_BY_SNAPSHOT_RULES.getOrDefault(c.name(), Set.of()));
        Set<String> may = new TreeSet<>(c.mayFail());
        String also = ALSO_SEEN_BY_SNAPSHOT_RULES.getOrDefault(c.name(), "");
        if (!also.isEmpty()) {
            may.addAll(Arrays.asList(also.split(" ")));
        }
        may.add("snap02");
        may.removeAll(must);
        return new FlawCase(c.name(), c.description(), c.provider(), must, may);
    }
}
