import LineDB

// The entry point. First, glibc's malloc settings for fast loading (see MallocTuning: a 1M-record open is about a
// sixth faster). ArgumentParser's own `main()` exits 64 on usage errors; `linedb` promises 2 (see
// ErrorReporting.swift), so parsing and running are done here and every error goes through `ErrorReporting`.
MallocTuning.apply()
do {
    var command = try LinedbCommand.parseAsRoot()
    try command.run()
    Output.flush()
} catch {
    ErrorReporting.exit(with: error)
}
