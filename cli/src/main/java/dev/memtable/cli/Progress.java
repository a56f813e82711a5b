package dev.memtable.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on the error stream, redrawn in place with a carriage return. Draws
 * nothing when disabled (output not to a terminal, or {@code --no-progress}), so logs and tests
 * stay clean. Not thread-safe: one thread reports.
 */
final class Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean enabled;
    private final long total;
    private String label = "";
    private int lastPercent = -1;

    Progress(PrintWriter err, boolean enabled, long total) {
        this.err = err;
        this.enabled = enabled;
        this.total = Math.max(1, total);
    }

    /** Sets what is being done now. */
    void label(String text) {
        this.label = text;
        lastPercent = -1;
    }

    /** Shows {@code done} of the total. */
    void update(long done) {
        if (!enabled) {
            return;
        }
        int percent = (int) Math.min(100, done * 100 / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + String.format("%3d%% ", percent) + label + "\u001b[K");
        err.flush();
    }

    /** Clears the bar. */
    void finish() {
        if (enabled) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
