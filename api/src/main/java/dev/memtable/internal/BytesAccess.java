package dev.memtable.internal;

import dev.memtable.Bytes;
import java.util.Objects;

/**
 * Plain reads of a {@link Bytes}' private fields, for {@link dev.memtable.spi.ByteArrays}. Not
 * part of the api: the package is exported only to the library's own modules.
 *
 * <p>Why not a {@link java.lang.invoke.VarHandle}: HotSpot's C2 (JDK 17) does not scalar-replace
 * an object that is read through a VarHandle or {@code Unsafe}, so a probe key wrapped with
 * {@link Bytes#wrap(byte[])} and handed to {@code ByteArrays.exact} was allocated on every
 * {@code get} (24 B/op under JMH's {@code -prof gc}). These reads are ordinary field loads in an
 * accessor that {@code Bytes} itself supplies (a nestmate of the class), which C2 inlines like a
 * getter, so escape analysis removes the wrapper again.
 *
 * <p>{@code Bytes} registers the accessor in its static initializer; {@link #fields()} initializes
 * {@code Bytes} first, so it never sees the accessor missing. Registration happens once.
 */
public final class BytesAccess {

    /** Reads the fields of a {@code Bytes}; implemented by {@code Bytes} only. */
    public interface Fields {
        /** Returns the array behind {@code bytes}; NullPointerException if it is null. */
        byte[] array(Bytes bytes);

        /** Returns where {@code bytes} starts in its array; NullPointerException if null. */
        int offset(Bytes bytes);
    }

    private static Fields fields;

    private BytesAccess() {
    }

    /**
     * Called once, by {@code Bytes}' static initializer.
     *
     * @throws IllegalStateException if an accessor is already registered
     */
    public static synchronized void register(Fields accessor) {
        Objects.requireNonNull(accessor, "accessor");
        if (fields != null) {
            throw new IllegalStateException("the Bytes accessor is registered already");
        }
        fields = accessor;
    }

    /** Returns the accessor {@code Bytes} registered, initializing {@code Bytes} if need be. */
    public static synchronized Fields fields() {
        Objects.requireNonNull(Bytes.EMPTY); // runs Bytes' static initializer, which registers
        return Objects.requireNonNull(fields, "Bytes did not register its accessor");
    }
}
