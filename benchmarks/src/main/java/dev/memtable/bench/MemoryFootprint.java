package dev.memtable.bench;

import dev.memtable.cli.ChildJvm;
import dev.memtable.cli.HeapProbe;
import dev.memtable.cli.Workload;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Measures what each contender retains per entry once it holds {@code entries} entries, and how
 * much garbage-collector work loading them caused. Each contender is measured in a fresh JVM
 * (same heap settings for all), so one's garbage never lands on another's account.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memtable.bench.MemoryFootprint \
 *     [--entries 1000000] [--value-size 100] [--jvm-args "-Xms4g -Xmx4g -Xmn128m -XX:+UseG1GC"] \
 *     [contender ...]
 * </pre>
 *
 * <p>Method, per contender: the heap column is {@link HeapProbe}'s, the same probe that
 * {@code memtable bench} uses: full GCs until the heap is quiet, then put {@code entries} random
 * 16-byte keys with random values, each a freshly allocated array, as a caller handing over its
 * data would; full GCs again while the table is strongly held, and read again. Retained = after
 * − before. The JVM's direct and mapped buffer pools are read at the same two points. RocksDB's
 * memtable lives outside the Java heap: its own {@code rocksdb.cur-size-all-mem-tables}
 * property is reported as native memory. During the load, the young and other collections
 * (GarbageCollectorMXBeans) and the bytes the loading thread allocated are recorded; the
 * allocation of the input arrays themselves (measured by generating them once without a table) is
 * subtracted.
 */
public final class MemoryFootprint {

    private static final String RESULT = "RESULT ";
    /** Where the dry run's checksum goes, so the JIT cannot drop the arrays it allocates. */
    private static volatile long sink;

    private static final String DEFAULT_JVM_ARGS = "-Xms4g -Xmx4g -Xmn128m -XX:+UseG1GC";

    private MemoryFootprint() {
    }

    /** One contender's numbers, as the child JVM reports them. */
    private record Footprint(String contender, long heap, long offHeap, long nativeBytes,
                             long youngCount, long youngMillis, long otherCount,
                             long allocated, long loadMillis) {

        String line() {
            return RESULT + String.join(" ", contender, Long.toString(heap),
                    Long.toString(offHeap), Long.toString(nativeBytes), Long.toString(youngCount),
                    Long.toString(youngMillis), Long.toString(otherCount),
                    Long.toString(allocated), Long.toString(loadMillis));
        }

        static Footprint parse(String line) {
            String[] f = line.substring(RESULT.length()).split(" ");
            return new Footprint(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                    Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]));
        }
    }

    /**
     * Runs the measurement; see the class comment for the arguments.
     *
     * @param args options, then contender names (default: every backend, cslm, rocksdb)
     * @throws Exception if a child JVM cannot be started or fails
     */
    public static void main(String[] args) throws Exception {
        int entries = 1_000_000;
        int valueSize = 100;
        String jvmArgs = DEFAULT_JVM_ARGS;
        String child = null;
        List<String> contenders = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--entries" -> entries = Integer.parseInt(value(args, ++i));
                case "--value-size" -> valueSize = Integer.parseInt(value(args, ++i));
                case "--jvm-args" -> jvmArgs = value(args, ++i);
                case "--child" -> child = value(args, ++i);
                default -> {
                    if (args[i].startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    contenders.add(args[i]);
                }
            }
        }
        if (child != null) {
            System.out.println(measure(child, entries, valueSize).line());
            return;
        }
        if (contenders.isEmpty()) {
            contenders.addAll(Contenders.availableBackends());
            contenders.add(Contenders.CSLM);
            contenders.add(Contenders.ROCKSDB);
        }
        for (String c : contenders) {
            if (!c.equals(Contenders.CSLM) && !c.equals(Contenders.ROCKSDB)) {
                Contenders.backend(c); // fails now, naming what is available, not after minutes
            }
        }
        List<Footprint> results = new ArrayList<>();
        for (String c : contenders) {
            System.out.println("measuring " + c + " …");
            results.add(inChild(c, entries, valueSize, jvmArgs));
        }
        System.out.println();
        System.out.println(table(results, entries, valueSize, jvmArgs));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static Footprint inChild(String contender, int entries, int valueSize, String jvmArgs)
            throws IOException, InterruptedException {
        List<String> command = ChildJvm.command(ChildJvm.options(jvmArgs), MemoryFootprint.class,
                List.of("--child", contender, "--entries", Integer.toString(entries),
                        "--value-size", Integer.toString(valueSize)));
        Footprint[] result = new Footprint[1];
        List<String> output = new ArrayList<>();
        int exit = ChildJvm.run(command, line -> {
            if (line.startsWith(RESULT)) {
                result[0] = Footprint.parse(line);
            } else {
                output.add(line);
            }
        });
        if (exit != 0 || result[0] == null) {
            throw new IllegalStateException("measuring " + contender + " failed (exit " + exit
                    + "):\n" + String.join("\n", output));
        }
        return result[0];
    }

    // ------------------------------------------------------------------ the child

    private static Footprint measure(String contender, int entries, int valueSize) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // What generating the input alone allocates, to subtract from the load's allocation.
        long t0 = threads.getCurrentThreadAllocatedBytes();
        long checksum = generateOnly(entries, valueSize);
        long inputAllocation = threads.getCurrentThreadAllocatedBytes() - t0;

        Contender table = Contenders.open(contender,
                (long) entries * (Data.KEY_LENGTH + valueSize), valueSize);
        Load load = new Load(threads, entries, valueSize, inputAllocation);
        // Opening the table may allocate (RocksDB's library and options): the probe reads the
        // heap after it, so that counts as "before".
        HeapProbe.Footprint heap = HeapProbe.ofThisJvm().measure(table, entries, load);
        long offHeapAfter = bufferPools();
        long nativeBytes = table instanceof RocksDbContender r
                ? r.longProperty("rocksdb.cur-size-all-mem-tables") : 0;
        Footprint f = new Footprint(contender, heap.retained(),
                offHeapAfter - load.offHeapBefore, nativeBytes,
                load.gcAfter[0] - load.gcBefore[0], load.gcAfter[1] - load.gcBefore[1],
                load.gcAfter[2] - load.gcBefore[2], load.allocated, load.millis);
        table.close();
        sink = checksum;
        return f;
    }

    /**
     * The load the probe measures: {@code entries} random 16-byte keys with random values, each
     * a freshly allocated array; it records the collections, the time and the allocation of the
     * loading thread (less the input's own) and the buffer pools before it starts.
     */
    private static final class Load implements Consumer<Contender> {
        private final com.sun.management.ThreadMXBean threads;
        private final int entries;
        private final int valueSize;
        private final long inputAllocation;
        long offHeapBefore;
        long[] gcBefore;
        long[] gcAfter;
        long allocated;
        long millis;

        Load(com.sun.management.ThreadMXBean threads, int entries, int valueSize,
             long inputAllocation) {
            this.threads = threads;
            this.entries = entries;
            this.valueSize = valueSize;
            this.inputAllocation = inputAllocation;
        }

        @Override
        public void accept(Contender table) {
            offHeapBefore = bufferPools();
            gcBefore = collections();
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            Workload.loadFresh(entries, Data.KEY_LENGTH, valueSize, table::put);
            millis = (System.nanoTime() - start) / 1_000_000;
            allocated = Math.max(0,
                    threads.getCurrentThreadAllocatedBytes() - a0 - inputAllocation);
            gcAfter = collections();
        }
    }

    /** Generates the same arrays as the load, keeping none; returns a value so none is elided. */
    private static long generateOnly(int entries, int valueSize) {
        long[] sum = new long[1];
        Workload.loadFresh(entries, Data.KEY_LENGTH, valueSize,
                (key, value) -> sum[0] += key[0] + value[0]);
        return sum[0];
    }

    private static long bufferPools() {
        long sum = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sum += pool.getMemoryUsed();
        }
        return sum;
    }

    /** Young collections, their total milliseconds, and all other collections. */
    private static long[] collections() {
        long[] r = new long[3];
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            boolean young = name.contains("Young") || name.contains("Scavenge")
                    || name.equals("Copy") || name.contains("ParNew");
            if (young) {
                r[0] += gc.getCollectionCount();
                r[1] += gc.getCollectionTime();
            } else {
                r[2] += gc.getCollectionCount();
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ the table

    private static String table(List<Footprint> results, int entries, int valueSize,
                                String jvmArgs) {
        int payload = Data.KEY_LENGTH + valueSize;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Memory per entry at %,d entries (16-byte keys,"
                + " %d-byte values; payload %d B/entry); JVM %s %s, %s%n%n", entries, valueSize,
                payload, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                jvmArgs));
        sb.append("| contender | heap B/entry | off-heap B/entry | native B/entry | total B/entry"
                + " | × payload | young GCs in load | young GC ms | other GCs | allocated B/entry"
                + " (beyond input) | load ms |\n");
        sb.append("| --- |").append(" ---: |".repeat(10)).append('\n');
        sb.append(String.format(Locale.ROOT, "| payload (key + value bytes) | | | | %d | 1.00 |"
                + " | | | | |%n", payload));
        for (Footprint f : results) {
            double heap = (double) f.heap() / entries;
            double off = (double) f.offHeap() / entries;
            double nat = (double) f.nativeBytes() / entries;
            double total = heap + off + nat;
            sb.append(String.format(Locale.ROOT,
                    "| %s | %.1f | %.1f | %.1f | %.1f | %.2f | %d | %d | %d | %.1f | %d |%n",
                    f.contender(), heap, off, nat, total, total / payload, f.youngCount(),
                    f.youngMillis(), f.otherCount(), (double) f.allocated() / entries,
                    f.loadMillis()));
        }
        return sb.toString();
    }
}
