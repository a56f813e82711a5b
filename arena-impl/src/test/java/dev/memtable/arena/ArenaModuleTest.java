package dev.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins the module descriptor and the class-path service file (tests run on the module path). */
class ArenaModuleTest {

    private static final String SERVICE = MemTableProvider.class.getName();

    @Test
    void descriptor_exportsNothingRequiresTheApiAndProvidesTheBackend() {
        ModuleDescriptor descriptor = ArenaMemTableProvider.class.getModule().getDescriptor();
        assertNotNull(descriptor, "tests must run on the module path");
        assertEquals("dev.memtable.arena", descriptor.name());
        assertEquals(Set.of(), descriptor.exports());
        assertEquals(Set.of(), descriptor.uses());
        assertTrue(descriptor.requires().stream()
                .anyMatch(r -> r.name().equals("dev.memtable.api")));
        assertEquals(Set.of(SERVICE + " with " + ArenaMemTableProvider.class.getName()),
                descriptor.provides().stream()
                        .map(p -> p.service() + " with " + String.join(",", p.providers()))
                        .collect(Collectors.toSet()));
    }

    @Test
    void servicesFile_namesTheSameProvider() throws IOException {
        try (InputStream in = ArenaMemTableProvider.class.getModule()
                .getResourceAsStream("META-INF/services/" + SERVICE)) {
            assertNotNull(in, "META-INF/services/" + SERVICE + " is missing");
            List<String> lines = Arrays.stream(
                            new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .collect(Collectors.toList());
            assertEquals(List.of(ArenaMemTableProvider.class.getName()), lines);
        }
    }
}
