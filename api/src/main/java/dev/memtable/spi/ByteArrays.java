package dev.memtable.spi;

import dev.memtable.Bytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The array behind a {@link Bytes}, for backends that store or compare raw {@code byte[]} (a
 * {@code ConcurrentSkipListMap<byte[], …>} with {@link java.util.Arrays#compareUnsigned}, an
 * arena that copies keys into its chunks) without first copying every key they are handed.
 *
 * <p>{@link Bytes#wrap(byte[])} does not copy, and a {@code Bytes} does not expose its array to
 * users, so a backend that wants the bytes as an array would otherwise pay a copy per key (a
 * probe copy per {@code get}). These accessors hand out the shared array itself.
 *
 * <p><b>The array is shared, never modify it.</b> It may be the caller's array (given up under
 * {@code wrap}'s ownership rule), or a chunk of another table. Writing to it corrupts whatever
 * holds it. Only the range {@code [offset(b), offset(b) + b.length())} belongs to {@code b}.
 *
 * <p>Thread-safe: these are reads of final fields.
 */
public final class ByteArrays {

    private static final VarHandle ARRAY;
    private static final VarHandle OFFSET;

    static {
        try {
            // Bytes is in this module, so a private lookup needs no opened package.
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Bytes.class,
                    MethodHandles.lookup());
            ARRAY = l.findVarHandle(Bytes.class, "array", byte[].class);
            OFFSET = l.findVarHandle(Bytes.class, "offset", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ByteArrays() {
    }

    /**
     * Returns the array that holds {@code bytes}' content, from {@link #offset(Bytes)} for
     * {@link Bytes#length()} bytes. Shared: never modify it.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static byte[] array(Bytes bytes) {
        return (byte[]) ARRAY.get(bytes);
    }

    /**
     * Returns where {@code bytes}' content starts in {@link #array(Bytes)}.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static int offset(Bytes bytes) {
        return (int) OFFSET.get(bytes);
    }

    /**
     * Returns an array whose whole content is exactly {@code bytes}: the backing array itself when
     * {@code bytes} covers all of it (the common case of {@link Bytes#wrap(byte[])}; no copy),
     * otherwise a new copy of the range. Shared when not a copy: never modify it.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static byte[] exact(Bytes bytes) {
        byte[] a = (byte[]) ARRAY.get(bytes);
        int length = bytes.length();
        if (a.length == length) {
            return a; // a length-equal range must start at 0
        }
        return bytes.toByteArray();
    }
}
