package dev.memtable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins each published module's descriptor: what it exports, uses and provides; that no
 * implementation package leaks; and that its {@code META-INF/services} files say exactly what its
 * {@code provides} says, so the class path and the module path find the same providers.
 */
class ModuleDescriptorTest {

    private static final String BACKEND_SPI = "dev.memtable.spi.MemTableProvider";
    private static final String WAL_SPI = "dev.memtable.spi.WalProvider";

    private static ModuleReference module(String artifact, String moduleName) {
        ModuleFinder finder = ModuleFinder.of(Artifacts.of(artifact));
        Optional<ModuleReference> ref = finder.find(moduleName);
        assertTrue(ref.isPresent(), artifact + " does not hold module " + moduleName);
        return ref.get();
    }

    private static Set<String> exports(ModuleDescriptor d) {
        return d.exports().stream().map(e -> e.source() + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Set<String>> provides(ModuleDescriptor d) {
        Map<String, Set<String>> out = new TreeMap<>();
        d.provides().forEach(p -> out.put(p.service(), new TreeSet<>(p.providers())));
        return out;
    }

    private static Set<String> requires(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(n -> !n.equals("java.base")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The providers the module's META-INF/services file for {@code service} lists. */
    private static Set<String> servicesFile(ModuleReference ref, String service) throws IOException {
        try (ModuleReader reader = ref.open()) {
            Optional<java.nio.ByteBuffer> content = reader.read("META-INF/services/" + service);
            if (content.isEmpty()) {
                return Set.of();
            }
            try {
                return StandardCharsets.UTF_8.decode(content.get()).toString().lines()
                        .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
            } finally {
                reader.release(content.get());
            }
        }
    }

    private static void assertServicesMatchProvides(ModuleReference ref) throws IOException {
        Map<String, Set<String>> provides = provides(ref.descriptor());
        for (Map.Entry<String, Set<String>> e : provides.entrySet()) {
            assertEquals(e.getValue(), servicesFile(ref, e.getKey()),
                    ref.descriptor().name() + ": META-INF/services/" + e.getKey()
                            + " must list exactly what module-info provides");
        }
        for (String service : Set.of(BACKEND_SPI, WAL_SPI)) {
            if (!provides.containsKey(service)) {
                assertEquals(Set.of(), servicesFile(ref, service), ref.descriptor().name()
                        + " has a services file for " + service + " but does not provide it");
            }
        }
    }

    @Test
    void api_exportsContractAndSpi_andUsesBothServices() throws IOException {
        ModuleReference ref = module("api", "dev.memtable.api");
        ModuleDescriptor d = ref.descriptor();
        assertEquals(Set.of("dev.memtable", "dev.memtable.spi",
                "dev.memtable.internal to [dev.memtable.cli, dev.memtable.set, dev.memtable.store,"
                        + " dev.memtable.wal]"), exports(d));
        assertEquals(Set.of(BACKEND_SPI, WAL_SPI), d.uses());
        assertEquals(Set.of(), requires(d));
        assertEquals(Map.of(), provides(d));
        assertEquals(Set.of("dev.memtable", "dev.memtable.spi", "dev.memtable.internal"),
                d.packages());
        assertServicesMatchProvides(ref);
    }

    /** The api is the contract only: none of its classes opens, reads, writes or lists a file. */
    @Test
    void api_touchesNoFile() throws IOException {
        List<String> fileApis = List.of("java/nio/file/Files", "java/nio/channels/FileChannel",
                "java/nio/channels/AsynchronousFileChannel", "java/io/File", "java/io/RandomAccessFile",
                "java/nio/file/spi/FileSystemProvider");
        List<String> offenders = new ArrayList<>();
        try (ModuleReader reader = module("api", "dev.memtable.api").open();
             Stream<String> names = reader.list()) {
            for (String name : (Iterable<String>) names.filter(n -> n.endsWith(".class"))::iterator) {
                byte[] bytes;
                try (InputStream in = reader.open(name).orElseThrow()) {
                    bytes = in.readAllBytes();
                }
                String constants = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String api : fileApis) {
                    // the name must end there: java/io/File is not java/io/FileDescriptor
                    if (Pattern.compile(Pattern.quote(api) + "(?![A-Za-z0-9_$/])")
                            .matcher(constants).find()) {
                        offenders.add(name + " uses " + api);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "the api must do no file I/O");
    }

    @Test
    void set_exportsItsPackage_requiresTheApiAndFastutil() throws IOException {
        ModuleReference ref = module("set", "dev.memtable.set");
        ModuleDescriptor d = ref.descriptor();
        assertEquals(Set.of("dev.memtable.set"), exports(d));
        assertEquals(Set.of("dev.memtable.api", "it.unimi.dsi.fastutil"), requires(d),
                "the set needs the api, and fastutil for its open snapshots (Watermark)");
        assertTrue(d.requires().stream().anyMatch(r -> r.name().equals("dev.memtable.api")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)),
                "set's signatures use api types, so it requires the api transitively");
        assertEquals(Set.of(), d.uses());
        assertEquals(Map.of(), provides(d));
        assertServicesMatchProvides(ref);
    }

    @Test
    void store_exportsItsPackage_requiresTheSetAndCaffeine() throws IOException {
        ModuleReference ref = module("store", "dev.memtable.store");
        ModuleDescriptor d = ref.descriptor();
        assertEquals(Set.of("dev.memtable.store"), exports(d));
        assertEquals(Set.of("dev.memtable.api", "dev.memtable.set",
                "com.github.benmanes.caffeine"), requires(d),
                "the store builds on the set, and Caffeine is its block cache; never the reverse");
        for (String transitive : List.of("dev.memtable.api", "dev.memtable.set")) {
            assertTrue(d.requires().stream().anyMatch(r -> r.name().equals(transitive)
                    && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)),
                    "store's signatures use " + transitive + " types: required transitively");
        }
        assertEquals(Set.of(), d.uses());
        assertEquals(Map.of(), provides(d));
        assertServicesMatchProvides(ref);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "skiplist, dev.memtable.skiplist, dev.memtable.skiplist.SkipListMemTableProvider",
        "treemap, dev.memtable.treemap, dev.memtable.treemap.TreeMapMemTableProvider",
        "arena, dev.memtable.arena, dev.memtable.arena.ArenaMemTableProvider"})
    void backend_providesItsProvider_exportsNothing(String artifact, String moduleName,
                                                    String providerClass) throws IOException {
        ModuleReference ref = module(artifact, moduleName);
        ModuleDescriptor d = ref.descriptor();
        assertEquals(Set.of(), exports(d));
        assertEquals(Set.of("dev.memtable.api"), requires(d));
        assertEquals(Map.of(BACKEND_SPI, Set.of(providerClass)), provides(d));
        assertServicesMatchProvides(ref);
    }

    @Test
    void wal_providesWal_exportsNothing() throws IOException {
        ModuleReference ref = module("wal", "dev.memtable.wal");
        ModuleDescriptor d = ref.descriptor();
        assertEquals(Set.of(), exports(d));
        assertEquals(Set.of("dev.memtable.api"), requires(d));
        assertEquals(Map.of(WAL_SPI, Set.of("dev.memtable.wal.FileWalProvider")), provides(d));
        assertServicesMatchProvides(ref);
    }

    @Test
    void tck_exportsOnlyItsSuite() throws IOException {
        ModuleReference ref = module("tck", "dev.memtable.tck");
        ModuleDescriptor d = ref.descriptor();
        assertEquals(Set.of("dev.memtable.tck"), exports(d));
        assertTrue(requires(d).contains("dev.memtable.api"), requires(d).toString());
        assertTrue(requires(d).contains("dev.memtable.set"), requires(d).toString());
        assertTrue(requires(d).contains("org.junit.jupiter.api"), requires(d).toString());
        assertEquals(Map.of(), provides(d));
        assertServicesMatchProvides(ref);
    }

    @Test
    void noSplitPackages_acrossTheLibrary() {
        Map<String, String> owner = new TreeMap<>();
        for (String[] m : new String[][] {{"api", "dev.memtable.api"},
                {"skiplist", "dev.memtable.skiplist"}, {"treemap", "dev.memtable.treemap"},
                {"arena", "dev.memtable.arena"},
                {"wal", "dev.memtable.wal"}, {"set", "dev.memtable.set"},
                {"tck", "dev.memtable.tck"}}) {
            for (String pkg : module(m[0], m[1]).descriptor().packages()) {
                String previous = owner.putIfAbsent(pkg, m[1]);
                assertTrue(previous == null, "package " + pkg + " is in both " + previous
                        + " and " + m[1]);
            }
        }
    }
}
