// The entry point. ArgumentParser's own `main()` exits 64 on usage errors; `linedb` promises 2 (see
// ErrorReporting.swift), so parsing and running are done here and every error goes through `ErrorReporting`.
do {
    var command = try LinedbCommand.parseAsRoot()
    try command.run()
    Output.flush()
} catch {
    ErrorReporting.exit(with: error)
}
