package dev.memtable.internal;

/**
 * Closing on a failure path, written once for every module of the library. Not part of the api:
 * the package is exported only to the library's own modules.
 */
public final class Closeables {

    private Closeables() {
    }

    /**
     * Closes {@code resource} (if not null) because {@code cause} is being thrown; a failure to
     * close is added to {@code cause} as a suppressed exception, never thrown and never lost.
     */
    public static void closeQuietly(AutoCloseable resource, Throwable cause) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
