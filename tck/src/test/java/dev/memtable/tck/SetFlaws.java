package dev.memtable.tck;

import java.util.List;

/** Flawed backends that the set rules must catch. */
final class SetFlaws {

    private SetFlaws() {
    }

    static List<FlawCase> cases() {
        return List.of();
    }
}
