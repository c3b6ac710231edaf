import LineDB

// The entry point. First, a glibc malloc setting for fast loading (see MallocTuning: a 1M-record open takes
// 0.87-0.95x the time). ArgumentParser's own `main()` exits 64 on usage errors; `linedb` promises 2 (see
// ErrorReporting.swift), so parsing and running are done here and every error goes through `ErrorReporting`.
MallocTuning.apply()
do {
    try RawArguments.requireUTF8()  // before Swift repairs invalid UTF-8 in CommandLine.arguments
    var command = try LinedbCommand.parseAsRoot()
    try command.run()
    Output.flush()
} catch {
    ErrorReporting.exit(with: error)
}
