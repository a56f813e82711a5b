package dev.memtable.tck;

import dev.memtable.spi.Capability;
import dev.memtable.tck.FlawedProvider.Flaw;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Flawed backends that the core rules (a table's map, scans, sizes, input, concurrency) catch. */
final class CoreFlaws {

    private CoreFlaws() {
    }

    static List<FlawCase> cases() {
        return List.of(
                flawed(Flaw.SIGNED_ORDER, "orders keys by signed bytes",
                        Set.of("order01", "order02", "order03", "order04", "order05", "model01",
                                "model02"),
                        Set.of()),
                flawed(Flaw.DROPS_TOMBSTONES, "a delete removes the key instead of shadowing it",
                        Set.of("basic04", "basic05", "basic06", "basic09", "scan11", "batch03",
                                "model01", "model02"),
                        Set.of("basic11", "batch02", "batch06", "limit01", "scan12", "conc02",
                                "conc03")),
                flawed(Flaw.INCLUDES_EXCLUDED_BOUNDS, "scans treat excluded bounds as included",
                        Set.of("scan03", "scan05", "scan06", "model01", "model02"),
                        Set.of("scan08", "scan11", "scan12", "order03", "order05", "iter01",
                                "iter03", "conc01", "conc03")),
                flawed(Flaw.LOSES_CONCURRENT_WRITES, "a put overlapping another put is dropped",
                        Set.of("conc02"),
                        Set.of("conc03", "conc04", "set06")));
    }

    private static FlawCase flawed(Flaw flaw, String description, Set<String> mustFail,
                                   Set<String> mayFail) {
        return new FlawCase(flaw.name().toLowerCase().replace('_', '-'), description,
                () -> new FlawedProvider(flaw, EnumSet.of(Capability.CONCURRENT_WRITES)),
                mustFail, mayFail);
    }
}
