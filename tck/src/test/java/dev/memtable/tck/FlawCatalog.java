package dev.memtable.tck;

import java.util.ArrayList;
import java.util.List;

/** Every {@link FlawCase} of the self-test, from the catalogue of each rule family. */
final class FlawCatalog {

    private FlawCatalog() {
    }

    static List<FlawCase> all() {
        List<FlawCase> all = new ArrayList<>();
        all.addAll(CoreFlaws.cases());
        all.addAll(LogFlaws.cases());
        all.addAll(SetFlaws.cases());
        return all;
    }
}
