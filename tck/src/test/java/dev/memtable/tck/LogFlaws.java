package dev.memtable.tck;

import java.util.List;

/** Flawed backends that the log rules must catch. */
final class LogFlaws {

    private LogFlaws() {
    }

    static List<FlawCase> cases() {
        return List.of();
    }
}
