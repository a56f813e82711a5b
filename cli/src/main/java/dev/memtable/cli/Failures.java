package dev.memtable.cli;

import dev.memtable.internal.IoErrors;
import java.nio.file.FileSystemException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Turns a failure into the one line a user reads: what failed, on which file, and why, without a
 * stack trace. Every command prints its failures through {@link #describe(Throwable)}, so an I/O
 * error always names its file and its cause.
 *
 * <p>The JDK's file-system exceptions often carry only the path ({@code new
 * AccessDeniedException(path)} has the message {@code path}); here each one becomes
 * {@code path: permission denied}, {@code path: no such file or directory}, or the system's reason
 * ({@code path: Is a directory}). Thread-safe (no state).
 */
final class Failures {

    private Failures() {
    }

    /**
     * Describes {@code failure} and its causes in one line: each message, outermost first, joined
     * by {@code ": "}. A file-system exception contributes {@code file: reason}, or only the reason
     * when the text before it already names the file. A message already contained in the text is
     * not repeated, a wrapper whose message is only its cause's {@code toString()} adds nothing,
     * and a throwable without a message contributes its simple class name. Line breaks become
     * spaces.
     *
     * @throws NullPointerException if {@code failure} is null
     */
    static String describe(Throwable failure) {
        return describe("", failure);
    }

    /**
     * Describes {@code failure} as {@link #describe(Throwable)} does, after {@code context}
     * (e.g. {@code "cannot use directory /d"}) and {@code ": "}; a file the context names already
     * is not named again.
     *
     * @throws NullPointerException if an argument is null
     */
    static String describe(String context, Throwable failure) {
        StringBuilder text = new StringBuilder(context);
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String part = part(t, text);
            if (part.isEmpty() || text.indexOf(part) >= 0) {
                continue;
            }
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(part);
        }
        return text.toString().replaceAll("\\R", " ");
    }

    /** What {@code t} adds to {@code sofar}; empty if nothing. */
    private static String part(Throwable t, CharSequence sofar) {
        if (t instanceof FileSystemException f) {
            String where = f.getFile() == null ? null : f.getOtherFile() == null ? f.getFile()
                    : f.getFile() + " -> " + f.getOtherFile();
            String why = IoErrors.reason(f);
            return where == null || sofar.toString().contains(where) ? why : where + ": " + why;
        }
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        if (t.getCause() != null && message.equals(t.getCause().toString())) {
            return ""; // a wrapper made from its cause alone, e.g. new UncheckedIOException(cause)
        }
        return message;
    }
}
