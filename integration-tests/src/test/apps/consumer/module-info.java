/** A tiny application that uses memtable the way a storage engine would: through the api only. */
module dev.memtable.it.app {
    requires dev.memtable.api;
}
