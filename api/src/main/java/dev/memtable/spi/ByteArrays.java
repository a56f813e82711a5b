package dev.memtable.spi;

import dev.memtable.Bytes;
import dev.memtable.internal.BytesAccess;

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
 * <p>Thread-safe: these are reads of final fields. They are plain field loads that the JIT
 * inlines, so a {@code Bytes} made just for a call (a probe key) can still be scalar-replaced.
 */
public final class ByteArrays {

    /** Plain reads of the fields, supplied by {@code Bytes} (see {@code BytesAccess}). */
    private static final BytesAccess.Fields FIELDS = BytesAccess.fields();

    private ByteArrays() {
    }

    /**
     * Returns the array that holds {@code bytes}' content, from {@link #offset(Bytes)} for
     * {@link Bytes#length()} bytes. Shared: never modify it.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static byte[] array(Bytes bytes) {
        return FIELDS.array(bytes);
    }

    /**
     * Returns where {@code bytes}' content starts in {@link #array(Bytes)}.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static int offset(Bytes bytes) {
        return FIELDS.offset(bytes);
    }

    /**
     * Returns an array whose whole content is exactly {@code bytes}: the backing array itself when
     * {@code bytes} covers all of it (the common case of {@link Bytes#wrap(byte[])}; no copy),
     * otherwise a new copy of the range. Shared when not a copy: never modify it.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static byte[] exact(Bytes bytes) {
        byte[] a = FIELDS.array(bytes);
        int length = bytes.length();
        if (a.length == length) {
            return a; // a length-equal range must start at 0
        }
        return bytes.toByteArray();
    }
}
