package dev.memtable.cli;

/** A problem with what the user asked for (exit code 2, usage printed). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
