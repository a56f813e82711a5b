package dev.memtable.it.app;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MemTables;
import dev.memtable.spi.MemTableProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Prints one line per discovered backend after exercising it; with {@code --wal DIR} also a
 * write-ahead-log round trip. Exit code 3 and a line {@code ERROR: message} if discovery fails.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        Path walDir = args.length == 2 && args[0].equals("--wal") ? Path.of(args[1]) : null;
        List<MemTableProvider> providers;
        try {
            providers = MemTables.providers();
        } catch (IllegalStateException e) {
            System.out.println("ERROR: " + e.getMessage());
            System.exit(3);
            return;
        }
        System.out.println("backends=" + providers.stream().map(MemTableProvider::name)
                .collect(Collectors.joining(",")));
        System.out.println("default=" + MemTables.defaultProvider().name());
        for (MemTableProvider p : providers) {
            StringBuilder line = new StringBuilder(p.name());
            line.append(" module=").append(moduleOf(p));
            try (MemTable t = p.create(1)) {
                t.put(Bytes.ofUtf8("b"), Bytes.ofUtf8("2"));
                t.put(Bytes.ofUtf8("a"), Bytes.ofUtf8("1"));
                t.put(Bytes.ofUtf8("c"), Bytes.ofUtf8("3"));
                t.delete(Bytes.ofUtf8("c"));
                line.append(" get=").append(t.get(Bytes.ofUtf8("a")).map(Bytes::toUtf8String)
                        .orElse("absent"));
                line.append(" scan=").append(scan(t));
                // Versions: an older version of "a" (written at 2) arrives late, at 1.
                t.put(Bytes.ofUtf8("a"), Bytes.ofUtf8("0"), 1);
                line.append(" last=").append(t.lastSequence())
                        .append(" a@1=").append(t.get(Bytes.ofUtf8("a"), 1)
                                .map(Bytes::toUtf8String).orElse("absent"))
                        .append(" a=").append(t.get(Bytes.ofUtf8("a")).map(Bytes::toUtf8String)
                                .orElse("absent"));
            }
            if (walDir != null) {
                Path file = walDir.resolve(p.name() + ".wal");
                try (MemTable t = p.createWithWal(2, file)) {
                    t.put(Bytes.ofUtf8("k"), Bytes.ofUtf8("durable"), 7);
                    t.syncWal();
                }
                try (MemTable t = p.recoverFromWal(2, file)) {
                    Optional<Bytes> v = t.get(Bytes.ofUtf8("k"));
                    line.append(" wal=").append(v.map(Bytes::toUtf8String).orElse("lost"))
                            .append("@").append(t.lastSequence())
                            .append(Files.size(file) > 0 ? "" : "(empty file)");
                }
            }
            System.out.println(line);
        }
    }

    private static String scan(MemTable t) {
        List<String> out = new ArrayList<>();
        try (MemTableIterator it = t.scan(Bound.unbounded(), Bound.unbounded())) {
            for (; it.isValid(); it.next()) {
                out.add(it.key().toUtf8String() + "=" + (it.value().isEmpty() ? "<tombstone>"
                        : it.value().toUtf8String()));
            }
        }
        return String.join(",", out);
    }

    private static String moduleOf(Object o) {
        Module m = o.getClass().getModule();
        return m.isNamed() ? m.getName() : "unnamed";
    }
}
