package dev.memtable;

import java.util.Objects;

/**
 * One end of a key range for {@link MemTable#scan(Bound, Bound)}: a key that is
 * {@linkplain #included(Bytes) included}, a key that is {@linkplain #excluded(Bytes) excluded}, or
 * {@linkplain #unbounded() no limit} at all. The counterpart of Rust's {@code std::ops::Bound}.
 *
 * <p>Instances are immutable values, safe to share between threads.
 */
public sealed interface Bound permits Bound.Included, Bound.Excluded, Bound.Unbounded {

    /**
     * A bound that includes {@code key}.
     *
     * @throws NullPointerException if {@code key} is null
     */
    static Bound included(Bytes key) {
        return new Included(key);
    }

    /**
     * A bound that excludes {@code key}.
     *
     * @throws NullPointerException if {@code key} is null
     */
    static Bound excluded(Bytes key) {
        return new Excluded(key);
    }

    /** The absent bound: no limit on this side. */
    static Bound unbounded() {
        return Unbounded.INSTANCE;
    }

    /** Returns the key of an included or excluded bound, or null for {@link #unbounded()}. */
    Bytes keyOrNull();

    /** Returns true if this is the {@link #unbounded()} bound. */
    default boolean isUnbounded() {
        return this instanceof Unbounded;
    }

    /** Returns true if this bound includes its key ({@link #included(Bytes)}). */
    default boolean isInclusive() {
        return this instanceof Included;
    }

    /**
     * Returns true if {@code key} lies on the allowed side of this bound taken as a lower bound.
     *
     * @throws NullPointerException if {@code key} is null
     */
    default boolean admitsFromBelow(Bytes key) {
        Objects.requireNonNull(key, "key");
        if (this instanceof Unbounded) {
            return true;
        }
        int c = key.compareTo(keyOrNull());
        return this instanceof Included ? c >= 0 : c > 0;
    }

    /**
     * Returns true if {@code key} lies on the allowed side of this bound taken as an upper bound.
     *
     * @throws NullPointerException if {@code key} is null
     */
    default boolean admitsFromAbove(Bytes key) {
        Objects.requireNonNull(key, "key");
        if (this instanceof Unbounded) {
            return true;
        }
        int c = key.compareTo(keyOrNull());
        return this instanceof Included ? c <= 0 : c < 0;
    }

    /**
     * Returns true if no key at all lies within {@code [lower, upper]} (taking inclusion into
     * account): an inverted range, or equal keys with either side excluded. Scans of such ranges
     * are empty rather than an error.
     *
     * @throws NullPointerException if either bound is null
     */
    static boolean isEmptyRange(Bound lower, Bound upper) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        if (lower.isUnbounded() || upper.isUnbounded()) {
            return false;
        }
        int c = lower.keyOrNull().compareTo(upper.keyOrNull());
        if (c != 0) {
            // (a, a\x00) holds no key either, but that needs no special case: the scan finds none.
            return c > 0;
        }
        return !(lower.isInclusive() && upper.isInclusive());
    }

    /** A bound that includes its key. */
    record Included(Bytes key) implements Bound {
        /** @throws NullPointerException if {@code key} is null */
        public Included {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Bytes keyOrNull() {
            return key;
        }

        @Override
        public String toString() {
            return "included(" + key + ")";
        }
    }

    /** A bound that excludes its key. */
    record Excluded(Bytes key) implements Bound {
        /** @throws NullPointerException if {@code key} is null */
        public Excluded {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Bytes keyOrNull() {
            return key;
        }

        @Override
        public String toString() {
            return "excluded(" + key + ")";
        }
    }

    /** The absent bound. There is one instance, {@link Bound#unbounded()}. */
    final class Unbounded implements Bound {
        static final Unbounded INSTANCE = new Unbounded();

        private Unbounded() {
        }

        @Override
        public Bytes keyOrNull() {
            return null;
        }

        @Override
        public String toString() {
            return "unbounded";
        }
    }
}
