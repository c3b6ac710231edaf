import Foundation
import Testing

/// Keys typed faster than frames are drawn, and the config file, in a real terminal.
@Suite(
    "linedb browse in a terminal: a burst of keys, the config file", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct HeldKeyAndConfigTests {
    /// Opens the demo database's `enrolment` table (5970 rows) in the grid.
    func openEnrolment(environment: [String: String] = [:], width: Int = 100) throws -> (TmuxSession, String) {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: width,
                                      environment: environment)
        try #require(try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }.met)
        try session.send("j", "Enter")
        try #require(try session.waitForText("enrolment  row 1 of 5970").met)
        return (session, db)
    }

    @Test("300 j sent at once (a held key) end on row 301, and the next key acts on that row at once")
    func burst() throws {
        let (session, _) = try openEnrolment()
        defer { session.stop() }
        try session.send(Array(repeating: "j", count: 300))
        let (met, screen) = try session.waitForText("row 301 of 5970")
        #expect(met, "\(screen.joined(separator: "\n"))")
        // Nothing was left queued: the next key moves from there, and the screen stays there.
        try session.send("k")
        #expect(try session.waitForText("row 300 of 5970").met)
        usleep(300_000)
        #expect(try session.screen().contains { $0.contains("row 300 of 5970") })
        try session.quit()
    }

    @Test("a config file rebinds keys: J to the last row, F2 for the help instead of ?")
    func config() throws {
        let xdg = Scratch()
        try FileManager.default.createDirectory(atPath: xdg.path + "/linedb", withIntermediateDirectories: true)
        xdg.write("linedb/config.json", #"{"keys": {"J": "last-row", "?": null, "F2": "help"}}"#)
        let (session, _) = try openEnrolment(environment: ["XDG_CONFIG_HOME": xdg.path])
        defer { session.stop() }
        try session.send("J")
        #expect(try session.waitForText("row 5970 of 5970").met)
        try session.send("F2")
        #expect(try session.waitForText("this help").met)
        try session.send("Escape", "q")
        #expect(try session.exitStatus() == 0)
    }

    @Test("an invalid config file: the first screen says which line and key, and that the defaults are used")
    func invalidConfigMessage() throws {
        let xdg = Scratch()
        try FileManager.default.createDirectory(atPath: xdg.path + "/linedb", withIntermediateDirectories: true)
        xdg.write("linedb/config.json", "{\n  \"keys\": {\n    \"J\": \"jump\"\n  }\n}\n")
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: 250,
                                      environment: ["XDG_CONFIG_HOME": xdg.path])
        defer { session.stop() }
        let (met, screen) = try session.waitForText("line 3: key \"J\": unknown action \"jump\" (actions: up,")
        #expect(met, "\(screen.joined(separator: "\n"))")
        #expect(screen.contains { $0.contains("config \(xdg.path)/linedb/config.json line 3") })
        // The defaults are used: J is not bound, j moves.
        try session.send("Enter", "j")
        #expect(try session.waitForText("row 2 of 60").met)
        try session.quit()
    }
}
