package dev.memtable.store;

import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.set.MemTableSet;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * What a full merge of runs writes: every version of the runs (keys ascending, sequences
 * descending; a version two runs both hold, written once), filtered to the versions a reader can
 * still see ({@link MemTableSet#retainedVersions}: the newest of each key, and each older one an
 * open snapshot sees), minus the tombstones that shadow nothing: a merge of every run has nothing
 * older below it, so a key's oldest kept versions that are tombstones answer as "absent" would,
 * and are dropped (a tombstone above a kept older value stays, to hide it from newer readers).
 */
final class MergedVersions {

    private MergedVersions() {
    }

    /**
     * Returns the merge of {@code sources} (each every version of one run, keys ascending,
     * sequences descending; the merge owns and closes them) for readers at {@code snapshots}
     * (ascending) and at the newest sequence.
     */
    static MemTableIterator of(List<MemTableIterator> sources, long[] snapshots) {
        return new DropShadowless(MemTableSet.retainedVersions(new Union(sources), snapshots));
    }

    /** Every version of every source once, in (key ascending, sequence descending) order. */
    static final class Union implements MemTableIterator {
        private record Head(MemTableIterator it, int index) {
        }

        private final List<MemTableIterator> sources;
        private final PriorityQueue<Head> heap;
        private Head current;

        Union(List<MemTableIterator> sources) {
            this.sources = new ArrayList<>(sources);
            this.heap = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> {
                int c = a.it.key().compareTo(b.it.key());
                if (c != 0) {
                    return c;
                }
                c = Long.compare(b.it.sequence(), a.it.sequence());
                return c != 0 ? c : Integer.compare(a.index, b.index);
            });
            for (int i = 0; i < sources.size(); i++) {
                if (sources.get(i).isValid()) {
                    heap.add(new Head(sources.get(i), i));
                }
            }
            current = heap.poll();
        }

        @Override
        public boolean isValid() {
            return current != null;
        }

        @Override
        public Bytes key() {
            return head().it.key();
        }

        @Override
        public Bytes value() {
            return head().it.value();
        }

        @Override
        public long sequence() {
            return head().it.sequence();
        }

        @Override
        public void next() {
            Head h = head();
            Bytes key = h.it.key();
            long sequence = h.it.sequence();
            advance(h);
            // The same version in another run (a flush replayed after a crash): write it once.
            while (current != null && current.it.sequence() == sequence
                    && current.it.key().equals(key)) {
                advance(current);
            }
        }

        private void advance(Head h) {
            h.it.next();
            if (h.it.isValid()) {
                heap.add(h);
            }
            current = heap.poll();
        }

        private Head head() {
            if (current == null) {
                throw new IllegalStateException("the merge is exhausted");
            }
            return current;
        }

        @Override
        public void close() {
            RuntimeException first = null;
            for (MemTableIterator it : sources) {
                try {
                    it.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            current = null;
            heap.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    /** Drops each key's oldest versions while they are tombstones (see the class comment). */
    static final class DropShadowless implements MemTableIterator {
        private final MemTableIterator source;
        private final List<Bytes> values = new ArrayList<>();
        private long[] sequences = new long[4];
        private Bytes key;
        private int at;
        private int count;

        DropShadowless(MemTableIterator source) {
            this.source = source;
            fill();
        }

        /** Buffers the next key that keeps at least one version. */
        private void fill() {
            at = 0;
            count = 0;
            while (count == 0 && source.isValid()) {
                key = source.key();
                values.clear();
                int n = 0;
                do {
                    if (n == sequences.length) {
                        sequences = java.util.Arrays.copyOf(sequences, n * 2);
                    }
                    sequences[n++] = source.sequence();
                    values.add(source.value());
                    source.next();
                } while (source.isValid() && source.key().equals(key));
                while (n > 0 && values.get(n - 1).isEmpty()) {
                    n--;
                }
                count = n;
            }
        }

        @Override
        public boolean isValid() {
            return at < count;
        }

        @Override
        public Bytes key() {
            check();
            return key;
        }

        @Override
        public Bytes value() {
            check();
            return values.get(at);
        }

        @Override
        public long sequence() {
            check();
            return sequences[at];
        }

        @Override
        public void next() {
            check();
            if (++at == count) {
                fill();
            }
        }

        private void check() {
            if (at >= count) {
                throw new IllegalStateException("the merge is exhausted");
            }
        }

        @Override
        public void close() {
            count = 0;
            source.close();
        }
    }
}
