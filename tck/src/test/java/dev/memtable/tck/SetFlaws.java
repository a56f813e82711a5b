package dev.memtable.tck;

import dev.memtable.tck.SetFlawBackends.BufferedLogBackend;
import dev.memtable.tck.SetFlawBackends.CopyOnWriteBackend;
import dev.memtable.tck.SetFlawBackends.SealNotForwarded;
import java.util.List;
import java.util.Set;

/**
 * Flawed backends that the set rules must catch: each rule that stays in the kit (it depends on
 * the backend) fails on one of them.
 */
final class SetFlaws {

    private SetFlaws() {
    }

    static List<FlawCase> cases() {
        return List.of(
                new FlawCase("cow-lost-update", "each put copies the sorted map and installs the"
                        + " copy with a plain write, so concurrent puts overwrite each other's"
                        + " copies", CopyOnWriteBackend::new,
                        Set.of("set06"),
                        Set.of("conc02", "conc03", "conc04", "vconc01", "vconc02", "vconc03")),
                new FlawCase("log-close-drops-buffer", "the backend buffers log appends and its"
                        + " close() forgets to write the buffer",
                        () -> new BufferedLogBackend(BufferedLogBackend.Flaw.CLOSE_DROPS_BUFFER),
                        Set.of("set10"),
                        // A set seals (closes) every table it freezes: that loses writes too; and
                        // the buffer sits above an injected log as well (fault rules, input07).
                        Set.of("set11", "set13", "wal01", "wal02", "wal03", "wal04", "wal05",
                                "wal06", "wal09", "wal10", "fault01", "fault04", "fault05",
                                "fault07", "fault08", "fault09", "input07", "seq13", "seq14",
                                "seq15")),
                new FlawCase("log-sync-skips-buffer", "the backend buffers log appends and its"
                        + " sync() fsyncs the file without writing the buffer first",
                        () -> new BufferedLogBackend(BufferedLogBackend.Flaw.SYNC_SKIPS_BUFFER),
                        Set.of("set11"),
                        Set.of("wal04", "fault01", "fault02", "fault03", "fault05", "fault07",
                                "input07", "seq13", "seq15")),
                new FlawCase("seal-not-forwarded", "a backend whose tables wrap another"
                        + " backend's tables forwards every method but seal(), so the interface's"
                        + " default runs: it only syncs", SealNotForwarded::new,
                        Set.of("set12", "set13"),
                        Set.of("fault11")));
    }
}
