package dev.memtable.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memtable.MemTables;
import dev.memtable.spi.WalProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module exports nothing and provides the log both ways ServiceLoader looks. */
class ModuleTest {

    @Test
    void walProvider_isDiscoveredThroughTheApi() {
        WalProvider found = MemTables.walProvider();
        assertInstanceOf(FileWalProvider.class, found);
        assertEquals("crc32c-v2", found.name());
    }

    @Test
    void descriptor_exportsNothingAndProvidesTheWalProvider() {
        Module module = FileWalProvider.class.getModule();
        assumeTrue(module.isNamed(), "tests run on the class path; the descriptor is not loaded");
        ModuleDescriptor d = module.getDescriptor();
        assertEquals("dev.memtable.wal", d.name());
        assertEquals(Set.of(), d.exports());
        assertEquals(Set.of(), d.uses());
        assertEquals(1, d.provides().size());
        ModuleDescriptor.Provides p = d.provides().iterator().next();
        assertEquals(WalProvider.class.getName(), p.service());
        assertEquals(List.of(FileWalProvider.class.getName()), p.providers());
    }

    @Test
    void servicesFile_namesTheSameProviderForTheClassPath() throws IOException {
        String name = "META-INF/services/" + WalProvider.class.getName();
        try (InputStream in = FileWalProvider.class.getModule().isNamed()
                ? FileWalProvider.class.getModule().getResourceAsStream(name)
                : FileWalProvider.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name + " is missing");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(FileWalProvider.class.getName(), text);
        }
    }
}
