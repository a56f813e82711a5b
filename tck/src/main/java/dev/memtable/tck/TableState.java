package dev.memtable.tck;

import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a reader can see of a table at one moment: its entries (a full scan), its size, whether it
 * is empty, and the answers of {@code get} for some keys. Rules compare two of them to show that
 * a refused or failed call changed nothing.
 *
 * @param entries every entry, tombstones included, in scan order
 * @param size {@code approximateSize()}
 * @param empty {@code isEmpty()}
 * @param lookups {@code get(k)} for each of the keys asked about, in order
 */
record TableState(List<Map.Entry<Bytes, Bytes>> entries, long size, boolean empty,
                  List<Optional<Bytes>> lookups) {

    /** Returns the state {@code model} says a table must show, with no lookups. */
    static TableState of(ReferenceModel model) {
        return new TableState(model.entries(), model.approximateSize(), model.isEmpty(),
                List.of());
    }

        /** Reads {@code table}'s state, looking up {@code keys}. */
    static TableState of(MemTable table, List<Bytes> keys) {
        List<Optional<Bytes>> lookups = new ArrayList<>();
        keys.forEach(k -> lookups.add(table.get(k)));
        return new TableState(TckSupport.contents(table), table.approximateSize(),
                table.isEmpty(), lookups);
    }
}
