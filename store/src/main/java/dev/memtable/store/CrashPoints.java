package dev.memtable.store;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named moments of a flush, a merge and a manifest update at which a crash test can stop the
 * process dead, as a power cut or {@code kill -9} would: with the system property
 * {@code memtable.store.crashAt} set to {@code <point>} or {@code <point>:<n>}, the {@code n}-th
 * (default first) time the store reaches {@code <point>} it calls {@link Runtime#halt(int)} with
 * {@link #HALT_STATUS}: no finally block, shutdown hook or buffered write runs after it.
 * Unset (always, outside crash tests), {@link #reached} is one static final field read.
 *
 * <p>The points, in the order a flush or a merge reaches them: {@code flush.run-written} (the
 * run is fsynced, no manifest names it), {@code manifest.tmp-written} (the new manifest is whole
 * in {@code MANIFEST.tmp}, not yet renamed), {@code manifest.installed} (renamed and the
 * directory fsynced; the memtable's log, or the merged runs, not yet deleted),
 * {@code flush.done} (the log is deleted), {@code compact.run-written} (the merged run is
 * fsynced, no manifest names it), {@code compact.done} (the merged runs are released).
 */
final class CrashPoints {

    /** The exit status of a halt at a crash point. */
    static final int HALT_STATUS = 99;

    private static final String SPEC = System.getProperty("memtable.store.crashAt");
    private static final String POINT;
    private static final int NTH;
    private static final AtomicInteger HITS = new AtomicInteger();

    static {
        if (SPEC == null || SPEC.isBlank()) {
            POINT = null;
            NTH = 0;
        } else {
            int colon = SPEC.indexOf(':');
            POINT = colon < 0 ? SPEC.trim() : SPEC.substring(0, colon).trim();
            NTH = colon < 0 ? 1 : Integer.parseInt(SPEC.substring(colon + 1).trim());
        }
    }

    private CrashPoints() {
    }

    /** Marks that the store reached {@code point}; halts the process if a crash test asked. */
    static void reached(String point) {
        if (POINT != null && POINT.equals(point) && HITS.incrementAndGet() == NTH) {
            System.err.println("memtable.store.crashAt: halting at " + point + ":" + NTH);
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
