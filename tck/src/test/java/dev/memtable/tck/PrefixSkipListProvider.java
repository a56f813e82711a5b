package dev.memtable.tck;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;
import dev.memtable.spi.Capability;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Backends for the self-test in the manner of the arena backend, without the arena: an
 * insert-only, lock-free skip list of node objects, one per version, linked by compare-and-set,
 * ordered by key and then by sequence descending (RocksDB's internal-key order), whose keys are
 * compared by their first 8 bytes as one unsigned big-endian {@code long} before the rest, and
 * whose cursor seeks its lower bound and checks its upper bound at every step. Correct, or with
 * exactly one deliberate {@link Flaw}: the bugs one plants in a copy of {@code ArenaSkipList} and
 * {@code ArenaMemTable}.
 */
final class PrefixSkipListProvider extends AbstractMemTableProvider {

    /** The one thing the backend gets wrong. */
    enum Flaw {
        NONE("None: a correct backend."),
        SIGNED_PREFIX("Compares the 8-byte prefixes with Long.compare, as signed numbers."),
        SIGNED_AFTER_PREFIX("Compares the bytes after the 8-byte prefix as signed "
                + "(Arrays.compare)."),
        PREFIX_DECIDES("Two keys of 8 bytes or more with equal prefixes are equal: the rest is "
                + "not compared."),
        NO_PREFIX_FOR_EIGHT_BYTE_KEYS("Computes a key's prefix only for keys longer than 8 bytes "
                + "(> for >=), while the comparison uses prefixes for keys of 8 bytes and more."),
        IGNORES_LENGTH("Keys equal up to the shorter one's length are equal: the lengths are not "
                + "compared."),
        SHORTER_SORTS_LAST("Of two keys equal up to the shorter one's length, the shorter sorts "
                + "last."),
        LINKS_WITHOUT_CAS("Links a new node at level 0 with a plain store instead of a "
                + "compare-and-set. (Between finding its place and linking, the insert passes a "
                + "RaceWindow, so that the race shows on every run, even on a busy machine.)"),
        RETRY_IGNORES_EQUAL_KEY("After losing a compare-and-set at level 0, walks to the new "
                + "place without checking for an equal (key, sequence) that the winning thread "
                + "just linked, so two nodes of one version appear. (The insert yields before "
                + "its compare-and-set, as for #LINKS_WITHOUT_CAS.)"),
        OVERWRITE_INSERTS_NODE("A rewrite of a (key, sequence) the list holds inserts a new node "
                + "in front of the old one instead of updating it."),
        PUT_KEEPS_DELETED_FLAG("A tombstone sets the node's deleted flag; a rewrite of that "
                + "(key, sequence) with a value stores the value but keeps the flag."),
        READ_SEEKS_PAST_EQUAL_SEQUENCE("get(key, s) seeks (key, s) with the search that steps "
                + "over equal nodes (the one the insert uses above level 0), so the version "
                + "written at exactly s is passed over for an older one."),
        GET_SKIPS_EQUALITY_CHECK("get returns the node the search stopped at without checking "
                + "its key."),
        IS_EMPTY_READS_TOP_LEVEL("isEmpty looks at the head's top level (MAX_HEIGHT - 1), not "
                + "level 0."),
        SEEK_STEPS_OVER_EQUAL_KEY("Seeking an included lower bound lands one past it (the search "
                + "steps over equal keys)."),
        EXCLUDED_LOWER_SKIPS_FIRST_NODE("An excluded lower bound is seeked as included and the "
                + "first node skipped, equal or not."),
        UNBOUNDED_SCAN_SKIPS_FIRST_NODE("An unbounded scan starts at the second node "
                + "(next(first()))."),
        UPPER_CHECKED_WITH_LESS_THAN("The upper bound is checked with < instead of <=, included "
                + "or not."),
        UPPER_CHECKED_SIGNED("The upper bound is checked with Arrays.compare, which is signed."),
        FIRST_NODE_NOT_CHECKED_AGAINST_UPPER("The cursor checks the upper bound when it moves, "
                + "but not for its first node."),
        EMPTY_KEY_BOUND_IS_UNBOUNDED("A bound with the empty key is taken as no bound at all "
                + "(LevelDB's \"empty = none\")."),
        CURSOR_SKIPS_TOMBSTONES("The cursor skips tombstones."),
        CURSOR_YIELDS_EVERY_VERSION("The scan cursor moves to the next node, as the cursor of "
                + "versions() does, without skipping the older versions of the key it just "
                + "yielded, so a key comes once per version."),
        CURSOR_NEEDS_NEXT_TO_START("The cursor is positioned only by the first next(), in the "
                + "style of Java's Iterator."),
        NEXT_PAST_END_THROWS("next() past the end follows the link of no node: a "
                + "NullPointerException."),
        STALE_ENTRY_PAST_END("key() and value() past the end return the last entry instead of "
                + "throwing.");

        private final String description;

        Flaw(String description) {
            this.description = description;
        }

        /** The bug, as a backend author would make it. */
        String description() {
            return description;
        }
    }

    static final int MAX_HEIGHT = 12;
    private static final VarHandle NEXT = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private final Flaw flaw;

    PrefixSkipListProvider(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public String name() {
        return "prefix-skiplist-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CONCURRENT_WRITES);
    }

    @Override
    public AbstractMemTable create(long id) {
        return new Table(id, flaw);
    }

    /** One version: its key, the key's 8-byte prefix, its sequence, its value and its links. */
    private static final class Node {
        final byte[] key;
        final long prefix;
        final long sequence;
        final Node[] next;
        volatile Bytes value;
        volatile boolean deleted;

        Node(byte[] key, long prefix, long sequence, int height) {
            this.key = key;
            this.prefix = prefix;
            this.sequence = sequence;
            this.next = new Node[height];
        }
    }

    private static final class Table extends AbstractMemTable {
        private final Flaw flaw;
        private final Node head = new Node(null, 0, 0, MAX_HEIGHT);
        private final RaceWindow window = new RaceWindow();

        Table(long id, Flaw flaw) {
            super(id);
            this.flaw = flaw;
        }

        // ------------------------------------------------------------ comparison

        long prefix(byte[] key) {
            int min = flaw == Flaw.NO_PREFIX_FOR_EIGHT_BYTE_KEYS ? Long.BYTES + 1 : Long.BYTES;
            return key.length >= min ? (long) BIG_LONG.get(key, 0) : 0;
        }

        /** Compares a node's key with a probe: negative if the node's key sorts first. */
        int compareKeys(byte[] a, long aPrefix, byte[] b, long bPrefix) {
            int from = 0;
            if (a.length >= Long.BYTES && b.length >= Long.BYTES) {
                if (aPrefix != bPrefix) {
                    return flaw == Flaw.SIGNED_PREFIX ? Long.compare(aPrefix, bPrefix)
                            : Long.compareUnsigned(aPrefix, bPrefix);
                }
                if (flaw == Flaw.PREFIX_DECIDES) {
                    return 0;
                }
                from = Long.BYTES;
            }
            int at = Arrays.mismatch(a, from, a.length, b, from, b.length);
            if (at < 0) {
                return 0;
            }
            at += from;
            if (at < a.length && at < b.length) {
                return flaw == Flaw.SIGNED_AFTER_PREFIX && from == Long.BYTES
                        ? Byte.compare(a[at], b[at]) : Byte.compareUnsigned(a[at], b[at]);
            }
            return switch (flaw) {
                case IGNORES_LENGTH -> 0;
                case SHORTER_SORTS_LAST -> Integer.compare(b.length, a.length);
                default -> Integer.compare(a.length, b.length);
            };
        }

        /** Compares a node with a probe version: by key, then by sequence descending. */
        int compare(Node node, byte[] probe, long probePrefix, long probeSequence) {
            int c = compareKeys(node.key, node.prefix, probe, probePrefix);
            return c != 0 ? c : Long.compare(probeSequence, node.sequence);
        }

        boolean sameKey(Node a, Node b) {
            return compareKeys(a.key, a.prefix, b.key, b.prefix) == 0;
        }

        // ------------------------------------------------------------ links

        static Node next(Node node, int level) {
            return (Node) NEXT.getVolatile(node.next, level);
        }

        static boolean casNext(Node node, int level, Node expected, Node replacement) {
            return NEXT.compareAndSet(node.next, level, expected, replacement);
        }

        /**
         * Finds, at every level, the last node before the probe version and the first at or after
         * it. With {@code skipEqual}, nodes equal to the probe count as before it.
         */
        void splice(byte[] probe, long probePrefix, long probeSequence, Node[] prevs,
                    Node[] nexts, boolean skipEqual) {
            Node prev = head;
            for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
                Node next;
                while ((next = next(prev, level)) != null) {
                    int cmp = compare(next, probe, probePrefix, probeSequence);
                    if (cmp > 0 || cmp == 0 && !skipEqual) {
                        break;
                    }
                    prev = next;
                }
                prevs[level] = prev;
                nexts[level] = next;
            }
        }

        // ------------------------------------------------------------ hooks

        @Override
        protected void doPut(Bytes key, Bytes value, long sequence) {
            byte[] probe = key.toByteArray();
            long probePrefix = prefix(probe);
            Node[] prevs = new Node[MAX_HEIGHT];
            Node[] nexts = new Node[MAX_HEIGHT];
            splice(probe, probePrefix, sequence, prevs, nexts, false);
            Node found = nexts[0];
            if (found != null && flaw != Flaw.OVERWRITE_INSERTS_NODE
                    && compare(found, probe, probePrefix, sequence) == 0) {
                store(found, value);
                return;
            }
            int nodeHeight = randomHeight();
            Node node = new Node(probe, probePrefix, sequence, nodeHeight);
            node.value = value;
            node.deleted = value.isEmpty();
            boolean racy = flaw == Flaw.LINKS_WITHOUT_CAS || flaw == Flaw.RETRY_IGNORES_EQUAL_KEY;
            while (true) {
                NEXT.set(node.next, 0, nexts[0]);
                if (racy) {
                    window.widen();
                }
                if (flaw == Flaw.LINKS_WITHOUT_CAS) {
                    NEXT.setVolatile(prevs[0].next, 0, node);
                    break;
                }
                if (casNext(prevs[0], 0, nexts[0], node)) {
                    break;
                }
                // Lost a race: walk right from the old place to the new one.
                Node prev = prevs[0];
                Node next;
                while ((next = next(prev, 0)) != null) {
                    int cmp = compare(next, probe, probePrefix, sequence);
                    if (cmp == 0 && flaw != Flaw.RETRY_IGNORES_EQUAL_KEY) {
                        store(next, value);
                        return;
                    }
                    if (cmp >= 0) {
                        break;
                    }
                    prev = next;
                }
                prevs[0] = prev;
                nexts[0] = next;
            }
            for (int level = 1; level < nodeHeight; level++) {
                while (true) {
                    NEXT.set(node.next, level, nexts[level]);
                    if (casNext(prevs[level], level, nexts[level], node)) {
                        break;
                    }
                    splice(probe, probePrefix, sequence, prevs, nexts, true);
                }
            }
        }

        private void store(Node node, Bytes value) {
            if (value.isEmpty()) {
                node.deleted = true;
            } else {
                node.value = value;
                if (flaw != Flaw.PUT_KEEPS_DELETED_FLAG) {
                    node.deleted = false;
                }
            }
        }

        static Bytes valueOf(Node node) {
            return node.deleted ? Bytes.EMPTY : node.value;
        }

        @Override
        protected Bytes doGet(Bytes key, long sequence) {
            byte[] probe = key.toByteArray();
            long probePrefix = prefix(probe);
            Node[] prevs = new Node[MAX_HEIGHT];
            Node[] nexts = new Node[MAX_HEIGHT];
            splice(probe, probePrefix, sequence, prevs, nexts,
                    flaw == Flaw.READ_SEEKS_PAST_EQUAL_SEQUENCE);
            Node found = nexts[0];
            if (found == null || flaw != Flaw.GET_SKIPS_EQUALITY_CHECK
                    && compareKeys(found.key, found.prefix, probe, probePrefix) != 0) {
                return null;
            }
            return valueOf(found);
        }

        @Override
        protected boolean doIsEmpty() {
            int level = flaw == Flaw.IS_EMPTY_READS_TOP_LEVEL ? MAX_HEIGHT - 1 : 0;
            return next(head, level) == null;
        }

        @Override
        protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
            return new Cursor(this, lower, upper, sequence, false);
        }

        @Override
        protected MemTableIterator doVersions(Bound lower, Bound upper) {
            return new Cursor(this, lower, upper, Long.MAX_VALUE, true);
        }

        /**
         * The first node whose key is at or after ({@code inclusive}) or after {@code key}, or
         * null: a search by key alone, so it lands on the key's newest version.
         */
        Node seek(byte[] key, boolean inclusive) {
            long keyPrefix = prefix(key);
            boolean skipEqual = !inclusive || flaw == Flaw.SEEK_STEPS_OVER_EQUAL_KEY;
            Node prev = head;
            Node next = null;
            for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
                while ((next = next(prev, level)) != null) {
                    int cmp = compareKeys(next.key, next.prefix, key, keyPrefix);
                    if (cmp > 0 || cmp == 0 && !skipEqual) {
                        break;
                    }
                    prev = next;
                }
            }
            return next;
        }

        private static int randomHeight() {
            long r = ThreadLocalRandom.current().nextLong();
            return Math.min(MAX_HEIGHT, 1 + (Long.numberOfTrailingZeros(r) >>> 1));
        }
    }

    /**
     * A weakly consistent cursor over level 0, like the arena backend's: every node
     * ({@code versions()}), or the first node at or below the read sequence of each key.
     */
    private static final class Cursor implements MemTableIterator {
        private final Table table;
        private final Flaw flaw;
        private final long sequence;
        private final boolean allVersions;
        private final byte[] upperKey;
        private final long upperPrefix;
        private final boolean upperInclusive;
        private Node node;
        private Node pending;
        private Bytes key;
        private Bytes value;
        private long nodeSequence;

        Cursor(Table table, Bound lower, Bound upper, long sequence, boolean allVersions) {
            this.table = table;
            this.flaw = table.flaw;
            this.sequence = sequence;
            this.allVersions = allVersions;
            this.upperKey = keyOf(upper);
            this.upperPrefix = upperKey == null ? 0 : table.prefix(upperKey);
            this.upperInclusive = upper.isInclusive();
            byte[] lowerKey = keyOf(lower);
            Node start;
            if (lowerKey == null) {
                start = Table.next(table.head, 0);
                if (flaw == Flaw.UNBOUNDED_SCAN_SKIPS_FIRST_NODE && start != null) {
                    start = Table.next(start, 0);
                }
            } else if (flaw == Flaw.EXCLUDED_LOWER_SKIPS_FIRST_NODE && !lower.isInclusive()) {
                start = table.seek(lowerKey, true);
                start = start == null ? null : Table.next(start, 0);
            } else {
                start = table.seek(lowerKey, lower.isInclusive());
            }
            if (flaw == Flaw.CURSOR_NEEDS_NEXT_TO_START) {
                pending = start;
            } else if (flaw == Flaw.FIRST_NODE_NOT_CHECKED_AGAINST_UPPER) {
                arrive(settle(start));
            } else {
                moveTo(start);
            }
        }

        private byte[] keyOf(Bound bound) {
            Bytes k = bound.keyOrNull();
            if (k == null || flaw == Flaw.EMPTY_KEY_BOUND_IS_UNBOUNDED && k.isEmpty()) {
                return null;
            }
            return k.toByteArray();
        }

        @Override
        public boolean isValid() {
            return node != null;
        }

        @Override
        public Bytes key() {
            check();
            return key;
        }

        @Override
        public Bytes value() {
            check();
            return value;
        }

        @Override
        public long sequence() {
            check();
            return nodeSequence;
        }

        private void check() {
            if (node == null && (flaw != Flaw.STALE_ENTRY_PAST_END || key == null)) {
                throw new NoSuchElementException("not positioned on an entry");
            }
        }

        @Override
        public void next() {
            if (pending != null) {
                Node start = pending;
                pending = null;
                moveTo(start);
                return;
            }
            if (node != null || flaw == Flaw.NEXT_PAST_END_THROWS) {
                Node candidate = Table.next(node, 0);
                if (!allVersions && flaw != Flaw.CURSOR_YIELDS_EVERY_VERSION) {
                    while (candidate != null && table.sameKey(candidate, node)) {
                        candidate = Table.next(candidate, 0); // older versions of this key
                    }
                }
                moveTo(candidate);
            }
        }

        @Override
        public void close() {
            node = null;
            pending = null;
        }

        /** Skips the versions above the read sequence (and, with the flaw, tombstones). */
        private Node settle(Node candidate) {
            while (candidate != null && (!allVersions && candidate.sequence > sequence
                    || flaw == Flaw.CURSOR_SKIPS_TOMBSTONES && candidate.deleted)) {
                candidate = Table.next(candidate, 0);
            }
            return candidate;
        }

        private void moveTo(Node candidate) {
            candidate = settle(candidate);
            if (candidate != null && upperKey != null) {
                int cmp = flaw == Flaw.UPPER_CHECKED_SIGNED
                        ? Arrays.compare(candidate.key, upperKey)
                        : table.compareKeys(candidate.key, candidate.prefix, upperKey,
                                upperPrefix);
                boolean past = flaw == Flaw.UPPER_CHECKED_WITH_LESS_THAN ? cmp >= 0
                        : cmp > 0 || cmp == 0 && !upperInclusive;
                if (past) {
                    candidate = null;
                }
            }
            arrive(candidate);
        }

        private void arrive(Node candidate) {
            node = candidate;
            if (candidate != null) {
                key = Bytes.wrap(candidate.key);
                value = Table.valueOf(candidate);
                nodeSequence = candidate.sequence;
            } else if (flaw != Flaw.STALE_ENTRY_PAST_END) {
                key = null;
                value = null;
            }
        }
    }
}
