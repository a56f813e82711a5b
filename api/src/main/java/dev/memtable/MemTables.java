package dev.memtable;

import dev.memtable.spi.MemTableProvider;
import dev.memtable.spi.WalProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds memtable backends and the write-ahead log through {@link ServiceLoader}, on the module
 * path and the class path alike. All discovery of the library happens here.
 *
 * <p>Discovery never guesses: a backend that fails to load, two backends with one name, or no
 * backend at all is an {@link IllegalStateException} whose message says what was looked for, what
 * was found and what to add; the underlying {@link ServiceConfigurationError}s are attached as
 * suppressed exceptions. Every call loads afresh (with the thread's context class loader on the
 * class path), so results follow the current configuration; cache the provider you use.
 *
 * <p>Thread-safe: every method may be called by any thread at any time.
 */
public final class MemTables {

    /** The system property that names the {@linkplain #defaultProvider() default backend}. */
    public static final String BACKEND_PROPERTY = "dev.memtable.backend";

    /** The backend chosen by default when the property is not set and it is present. */
    public static final String PREFERRED_DEFAULT = "skiplist";

    /** How many loading errors discovery reports before it gives up iterating. */
    private static final int MAX_ERRORS = 32;

    private MemTables() {
    }

    /**
     * Returns every discovered backend, sorted by name.
     *
     * @throws IllegalStateException if a backend failed to load, two share a name, or there are
     *     none
     */
    public static List<MemTableProvider> providers() {
        return discover(ServiceLoader.load(MemTableProvider.class));
    }

    /**
     * Returns the backend called {@code name}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if no backend has that name; the message lists the
     *     available ones
     * @throws IllegalStateException as for {@link #providers()}
     */
    public static MemTableProvider provider(String name) {
        Objects.requireNonNull(name, "name");
        return select(providers(), name);
    }

    /**
     * Returns the default backend, by this rule: the backend named by the system property
     * {@value #BACKEND_PROPERTY} if it is set; otherwise {@value #PREFERRED_DEFAULT} if present;
     * otherwise the only backend if there is exactly one. Anything else is an error rather than a
     * guess.
     *
     * @throws IllegalArgumentException if the property names an unknown backend
     * @throws IllegalStateException as for {@link #providers()}, or if there are several backends
     *     and none is the preferred one
     */
    public static MemTableProvider defaultProvider() {
        return chooseDefault(providers(), System.getProperty(BACKEND_PROPERTY));
    }

    /**
     * Returns the write-ahead log implementation: exactly one must be present (the
     * {@code dev.memtable.wal} module provides it).
     *
     * @throws IllegalStateException if none, several, or a broken one is found
     */
    public static WalProvider walProvider() {
        return discoverWal(ServiceLoader.load(WalProvider.class));
    }

    // ------------------------------------------------------------------ testable core

    static List<MemTableProvider> discover(Iterable<MemTableProvider> loader) {
        List<Throwable> errors = new ArrayList<>();
        List<MemTableProvider> found = load(loader, errors);
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException("Could not load "
                    + errors.size() + " memtable backend(s): "
                    + errors.stream().map(Throwable::getMessage).collect(Collectors.joining("; "))
                    + ". Fix or remove the broken backend jar. Loaded fine: " + describe(found));
            errors.forEach(e::addSuppressed);
            throw e;
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("No memtable backend found (looked for providers of "
                    + MemTableProvider.class.getName() + "). Add one to the module path or class"
                    + " path, e.g. dev.memtable:memtable-skiplist (module dev.memtable.skiplist).");
        }
        Map<String, MemTableProvider> byName = new LinkedHashMap<>();
        for (MemTableProvider p : found) {
            String name = Objects.requireNonNull(p.name(), () -> p.getClass().getName() + ".name()");
            MemTableProvider clash = byName.putIfAbsent(name, p);
            if (clash != null) {
                throw new IllegalStateException("Two memtable backends are named '" + name
                        + "': " + origin(clash) + " and " + origin(p)
                        + ". Remove one of them from the module path or class path.");
            }
        }
        List<MemTableProvider> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparing(MemTableProvider::name));
        return List.copyOf(sorted);
    }

    static MemTableProvider select(List<MemTableProvider> providers, String name) {
        for (MemTableProvider p : providers) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown memtable backend '" + name + "'. Available: "
                + describe(providers));
    }

    static MemTableProvider chooseDefault(List<MemTableProvider> providers, String property) {
        if (property != null && !property.isBlank()) {
            try {
                return select(providers, property.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("System property " + BACKEND_PROPERTY + ": "
                        + e.getMessage(), e);
            }
        }
        for (MemTableProvider p : providers) {
            if (p.name().equals(PREFERRED_DEFAULT)) {
                return p;
            }
        }
        if (providers.size() == 1) {
            return providers.get(0);
        }
        throw new IllegalStateException("Several memtable backends and none named '"
                + PREFERRED_DEFAULT + "': " + describe(providers) + ". Choose one with"
                + " MemTables.provider(name) or -D" + BACKEND_PROPERTY + "=NAME.");
    }

    static WalProvider discoverWal(Iterable<WalProvider> loader) {
        List<Throwable> errors = new ArrayList<>();
        List<WalProvider> found = load(loader, errors);
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException(
                    "Could not load the write-ahead log implementation: "
                    + errors.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")));
            errors.forEach(e::addSuppressed);
            throw e;
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("No write-ahead log implementation found (looked for"
                    + " providers of " + WalProvider.class.getName() + "). Add"
                    + " dev.memtable:memtable-wal (module dev.memtable.wal) to the module path or"
                    + " class path.");
        }
        if (found.size() > 1) {
            throw new IllegalStateException("Several write-ahead log implementations found: "
                    + found.stream().map(MemTables::origin).collect(Collectors.joining(", "))
                    + ". Keep exactly one on the module path or class path.");
        }
        return found.get(0);
    }

    /**
     * Iterates a service loader defensively: a {@link ServiceConfigurationError} from one provider
     * is recorded and iteration goes on to the next (as {@link ServiceLoader} allows).
     */
    private static <T> List<T> load(Iterable<T> loader, List<Throwable> errors) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = loader.iterator();
        while (errors.size() < MAX_ERRORS) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                errors.add(e);
            }
        }
        return found;
    }

    private static String describe(List<MemTableProvider> providers) {
        return providers.stream().map(p -> p.name() + " (" + p.getClass().getName() + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String origin(Object provider) {
        Class<?> c = provider.getClass();
        Module m = c.getModule();
        return c.getName() + (m.isNamed() ? " in module " + m.getName() : " on the class path");
    }
}
