package dev.memtable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable string of bytes: the key and value type of every memtable.
 *
 * <p>A {@code Bytes} is a view of a range of a byte array. {@link #slice(int, int)} and
 * {@link #wrap(byte[])} share the array instead of copying it, so a memtable can hand out keys and
 * values without copying them.
 *
 * <h2>Ownership</h2>
 * {@link #copyOf(byte[])} copies its argument, so the caller keeps its array. {@link #wrap(byte[])}
 * does not copy: the caller hands the array over and <b>must not modify it afterwards</b>. A
 * memtable stores the {@code Bytes} it is given as they are, so writing into a wrapped array after
 * {@code put} corrupts the table (it may even break its ordering). Use {@code wrap} for arrays that
 * were just created and are never touched again (a freshly decoded buffer, say).
 *
 * <h2>Order and equality</h2>
 * {@code Bytes} compare in <em>unsigned lexicographic</em> order, the order of {@code memcmp} and of
 * every LSM engine: {@code 0x80} sorts after {@code 0x7f}, and a prefix sorts before every longer
 * string that starts with it (so {@link #EMPTY} is the smallest value). {@link #equals(Object)} and
 * {@link #hashCode()} depend on the content only, never on the backing array or offset.
 * Comparison uses {@link Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}, which the JDK
 * vectorises.
 *
 * <h2>Thread safety</h2>
 * Instances are immutable (given the ownership rule above) and safe to share between threads.
 * This is a value-based class: do not synchronise on it or rely on its identity.
 */
public final class Bytes implements Comparable<Bytes> {

    /** The empty byte string. As a memtable value it is the tombstone. */
    public static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);

    private static final int TO_STRING_LIMIT = 64;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] array;
    private final int offset;
    private final int length;
    // No cached hash (unlike String): the field would pad every instance from 24 to 32 bytes, and
    // a memtable holds two instances per entry but rarely hashes them.

    static {
        // Plain field reads for dev.memtable.spi.ByteArrays (see BytesAccess for why not a
        // VarHandle); the package is not exported to users.
        dev.memtable.internal.BytesAccess.register(new dev.memtable.internal.BytesAccess.Fields() {
            @Override
            public byte[] array(Bytes bytes) {
                return bytes.array;
            }

            @Override
            public int offset(Bytes bytes) {
                return bytes.offset;
            }
        });
    }

    private Bytes(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Returns a {@code Bytes} holding a copy of {@code bytes}; later changes to the array do not
     * show through.
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static Bytes copyOf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone(), 0, bytes.length);
    }

    /**
     * Returns a {@code Bytes} holding a copy of {@code bytes[from, to)}.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws IndexOutOfBoundsException if the range is not within the array
     */
    public static Bytes copyOf(byte[] bytes, int from, int to) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromToIndex(from, to, bytes.length);
        return from == to ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, from, to), 0, to - from);
    }

    /**
     * Returns a {@code Bytes} over {@code bytes} itself, without copying. The caller gives up the
     * array: it must never be modified afterwards (see the class documentation).
     *
     * @throws NullPointerException if {@code bytes} is null
     */
    public static Bytes wrap(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new Bytes(bytes, 0, bytes.length);
    }

    /**
     * Returns a {@code Bytes} over {@code bytes[from, to)} without copying; the same ownership rule
     * as {@link #wrap(byte[])} applies to that range.
     *
     * @throws NullPointerException if {@code bytes} is null
     * @throws IndexOutOfBoundsException if the range is not within the array
     */
    public static Bytes wrap(byte[] bytes, int from, int to) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromToIndex(from, to, bytes.length);
        return from == to ? EMPTY : new Bytes(bytes, from, to - from);
    }

    /**
     * Returns the UTF-8 encoding of {@code text}.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public static Bytes ofUtf8(String text) {
        Objects.requireNonNull(text, "text");
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the number of bytes. */
    public int length() {
        return length;
    }

    /** Returns true if this holds no bytes (as a memtable value: a tombstone). */
    public boolean isEmpty() {
        return length == 0;
    }

    /**
     * Returns the byte at {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return array[offset + index];
    }

    /**
     * Returns the bytes {@code [from, to)} of this string, sharing the backing array (no copy).
     *
     * @throws IndexOutOfBoundsException if {@code 0 <= from <= to <= length()} does not hold
     */
    public Bytes slice(int from, int to) {
        Objects.checkFromToIndex(from, to, length);
        if (from == 0 && to == length) {
            return this;
        }
        return from == to ? EMPTY : new Bytes(array, offset + from, to - from);
    }

    /** Returns a new array holding a copy of these bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /**
     * Copies these bytes into {@code dest} starting at {@code destOffset}.
     *
     * @throws NullPointerException if {@code dest} is null
     * @throws IndexOutOfBoundsException if they do not fit
     */
    public void copyTo(byte[] dest, int destOffset) {
        Objects.requireNonNull(dest, "dest");
        Objects.checkFromIndexSize(destOffset, length, dest.length);
        System.arraycopy(array, offset, dest, destOffset, length);
    }

    /**
     * Writes these bytes into {@code dest} at its position, advancing it.
     *
     * @throws NullPointerException if {@code dest} is null
     * @throws java.nio.BufferOverflowException if {@code dest} has fewer than {@link #length()}
     *     bytes remaining
     */
    public void writeTo(ByteBuffer dest) {
        Objects.requireNonNull(dest, "dest");
        dest.put(array, offset, length);
    }

    /** Returns a read-only buffer over these bytes (no copy), positioned at 0. */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * Decodes these bytes as UTF-8 (malformed input is replaced, as by
     * {@link String#String(byte[], java.nio.charset.Charset)}).
     */
    public String toUtf8String() {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    /** Returns true if these bytes start with {@code prefix}. */
    public boolean startsWith(Bytes prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return prefix.length <= length
                && Arrays.equals(array, offset, offset + prefix.length,
                        prefix.array, prefix.offset, prefix.offset + prefix.length);
    }

    /**
     * Compares in unsigned lexicographic order: the first differing byte decides, read as
     * {@code 0..255}; if one string is a prefix of the other, the shorter sorts first.
     *
     * @throws NullPointerException if {@code other} is null
     */
    @Override
    public int compareTo(Bytes other) {
        byte[] a = array;
        byte[] b = other.array;
        if (offset == 0 && other.offset == 0 && length == a.length && other.length == b.length) {
            return Arrays.compareUnsigned(a, b); // the common case: whole arrays, no range checks
        }
        return Arrays.compareUnsigned(a, offset, offset + length,
                b, other.offset, other.offset + other.length);
    }

    /**
     * Compares {@code a} and {@code b} in the order of {@link #compareTo(Bytes)}, treating each as
     * a whole array. A convenience for backends and tests that hold raw arrays.
     */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Bytes)) {
            return false;
        }
        Bytes other = (Bytes) o;
        return length == other.length
                && Arrays.equals(array, offset, offset + length,
                        other.array, other.offset, other.offset + other.length);
    }

    /** Returns a hash of the content, the same as {@link Arrays#hashCode(byte[])} of it. */
    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    /**
     * Returns a readable form: printable ASCII as itself, other bytes as {@code \xNN}, quotes and
     * backslashes escaped, cut after 64 bytes with the total length, e.g.
     * {@code b"user\x00\xff"} or {@code b"aaaa…"(1000 bytes)}.
     */
    @Override
    public String toString() {
        int shown = Math.min(length, TO_STRING_LIMIT);
        StringBuilder sb = new StringBuilder(shown + 16).append("b\"");
        for (int i = 0; i < shown; i++) {
            int b = array[offset + i] & 0xff;
            if (b == '"' || b == '\\') {
                sb.append('\\').append((char) b);
            } else if (b >= 0x20 && b < 0x7f) {
                sb.append((char) b);
            } else {
                sb.append("\\x").append(HEX[b >>> 4]).append(HEX[b & 0xf]);
            }
        }
        sb.append('"');
        if (shown < length) {
            sb.insert(sb.length() - 1, '…').append('(').append(length).append(" bytes)");
        }
        return sb.toString();
    }

    /** Returns the bytes as lower-case hexadecimal, two digits a byte, no separators. */
    public String toHex() {
        char[] out = new char[length * 2];
        for (int i = 0; i < length; i++) {
            int b = array[offset + i] & 0xff;
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xf];
        }
        return new String(out);
    }

    /**
     * Parses hexadecimal (upper or lower case, an even number of digits, no separators).
     *
     * @throws NullPointerException if {@code hex} is null
     * @throws IllegalArgumentException naming the position of the first bad character, or an odd
     *     length
     */
    public static Bytes fromHex(CharSequence hex) {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException(
                    "hex string has an odd number of digits (" + hex.length() + ")");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((digit(hex, 2 * i) << 4) | digit(hex, 2 * i + 1));
        }
        return wrap(out);
    }

    private static int digit(CharSequence hex, int index) {
        int d = Character.digit(hex.charAt(index), 16);
        if (d < 0) {
            throw new IllegalArgumentException(
                    "not a hex digit at index " + index + ": '" + hex.charAt(index) + "'");
        }
        return d;
    }
}
