/// Which tables a database opened for writing may write (``DatabaseOptions/writeScope``): the seed's
/// "table-level locking".
///
/// With ``database`` (the default) the process holds an exclusive `flock` on `<db>/.lock`: it is the only writer.
/// With ``tables(_:)`` or ``availableTables`` it holds a *shared* `flock` on `.lock` and an exclusive `flock` on
/// `<db>/locks/<table>.lock` for each table it writes, so several processes write different tables of one
/// database at the same time; the tables another process holds are read-only here (writes to them throw
/// ``LineDBError/readOnly(reason:)`` naming that process), and what it writes to them reaches this view at this
/// process's next write or ``Database/refresh()``. A ``database`` writer and table writers exclude each other.
///
/// ```swift
/// var options = DatabaseOptions()
/// options.writeScope = .tables(["orders"])   // another process may write "customers" meanwhile
/// options.lockWait = 5                       // wait up to 5 s while another process writes "orders"
/// let db = try Database(path: "data/shop", options: options)
/// ```
///
/// All writers append to the one WAL, under a short lock (`locks/wal-append.lock`) around each append: LSNs stay
/// one total order, and a writer killed in the middle of an append leaves a torn line that the next writer cuts
/// off into `quarantine/` before it appends. ``Database/checkpoint()`` needs every table: it waits
/// (``DatabaseOptions/lockWait``) or refuses while another writer process is open; the automatic checkpoint is
/// skipped then.
public enum WriteScope: Sendable, Equatable {
    /// The whole database, one writer process at a time (`flock` on `.lock`).
    case database
    /// Exactly these tables (existing or to be created): their locks are taken at open, waiting up to
    /// ``DatabaseOptions/lockWait`` for each, and the open fails with ``LineDBError/locked(path:pid:host:)``
    /// when one stays held. The other tables are read-only.
    case tables([String])
    /// Every table no other process writes, taken at open and, for tables that appear later (created here or
    /// released by their writer), at the first write: what the browser uses. The others are read-only.
    case availableTables
}
