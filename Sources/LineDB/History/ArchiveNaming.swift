extension Database {
    /// The highest `_N` among the archives named for `stamp` (`transaction.<stamp>.log` counts as 0), or `nil` when
    /// there is none: a checkpoint names its archive after them, so that name order stays checkpoint order even
    /// when retention has removed the first of them.
    static func lastSuffix(ofArchivesStamped stamp: String, in names: [String]) -> Int? {
        let prefix = "transaction.\(stamp)"
        var last: Int? = nil
        for name in names.map(DatabasePaths.archiveLogName) where name.hasPrefix(prefix) && name.hasSuffix(".log") {
            let rest = name.dropFirst(prefix.count).dropLast(".log".count)
            if rest.isEmpty {
                last = max(last ?? 0, 0)
            } else if rest.first == "_", let n = Int(rest.dropFirst()), n >= 0 {
                last = max(last ?? 0, n)
            }
        }
        return last
    }
}
