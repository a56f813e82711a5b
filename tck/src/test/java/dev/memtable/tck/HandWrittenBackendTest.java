package dev.memtable.tck;

import dev.memtable.spi.MemTableProvider;
import dev.memtable.tck.HandWrittenProvider.Flaw;

/**
 * Runs the whole kit against the self-test's hand-written backend without a flaw: every rule,
 * the log rules with the real {@code wal} module and the fault rules with a simulated disk, must
 * pass, or the flaws of {@link LogFlaws} would prove nothing.
 */
class HandWrittenBackendTest extends MemTableContract {
    @Override
    protected MemTableProvider provider() {
        return new HandWrittenProvider(Flaw.NONE);
    }
}
