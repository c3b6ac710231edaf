import Foundation
import Testing

#if DEBUG
/// The first screen drawn while the database opens (issue 3), in a real terminal. The open is made slow with the
/// debug-build hook `LINEDB_BROWSE_OPEN_DELAY_MS`, so that the demo database's loading screen can be seen.
@Suite(
    "linedb browse in a terminal: the loading screen", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct LoadingScreenEndToEndTests {
    private func openSlowly(_ scratch: Scratch) throws -> (TmuxSession, String) {
        let db = try scratch.demoDatabase()
        let session = try TmuxSession(
            [try Programs.linedb.get(), "browse", db], in: scratch,
            environment: ["LINEDB_BROWSE_OPEN_DELAY_MS": "3000"])
        return (session, db)
    }

    /// The loading screen: tables, the first table's first rows, and the loading status line (not the browser's).
    private func isLoading(_ screen: [String], database: String) -> Bool {
        screen.contains { $0.contains("loading \(database)… (records file") }
            && ["course", "enrolment", "instructor", "student"].allSatisfy { name in
                screen.contains { $0.contains(name) }
            }
            && screen.contains { $0.contains("MA101") }
            && !screen.contains { $0.contains("Tables (") }
    }

    @Test("the tables and the first rows are drawn while the database opens, then the browser takes over")
    func loadingThenBrowser() throws {
        let scratch = Scratch()
        let (session, db) = try openSlowly(scratch)
        defer { session.stop() }
        let loading = try session.waitForScreen(seconds: 2.5) { isLoading($0, database: db) }
        #expect(loading.met, "no loading screen:\n\(loading.screen.joined(separator: "\n"))")
        let browser = try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }
        #expect(browser.met, "the browser never came:\n\(browser.screen.joined(separator: "\n"))")
        #expect(!browser.screen.contains { $0.contains("loading \(db)…") })
        try session.send("q")
        #expect(try session.exitStatus() == 0)
        let (before, after) = session.stty
        #expect(!before.isEmpty && before == after)
    }

    @Test("q while loading quits with exit 0 and the terminal restored, once the open has finished")
    func quitWhileLoading() throws {
        let scratch = Scratch()
        let (session, db) = try openSlowly(scratch)
        defer { session.stop() }
        let loading = try session.waitForScreen(seconds: 2.5) { isLoading($0, database: db) }
        #expect(loading.met, "no loading screen:\n\(loading.screen.joined(separator: "\n"))")
        try session.send("q")
        #expect(try session.exitStatus() == 0)
        let (before, after) = session.stty
        #expect(!before.isEmpty && before == after)
        let final = try session.waitForText("EXIT=0")
        #expect(!final.screen.contains { $0.contains("MA101") }, "\(final.screen.joined(separator: "\n"))")
    }

    @Test("G while loading shows the records file's true last records at once; the browser then opens there")
    func lastRecordsWhileLoading() throws {
        let scratch = Scratch()
        let (session, db) = try openSlowly(scratch)
        defer { session.stop() }
        // The first table's last record, as its records file holds it.
        let lines = try String(contentsOfFile: db + "/data/course.records", encoding: .utf8)
            .split(separator: "\n")
        let lastCode = try #require(lines.last?.split(separator: "\"").dropFirst(5).first.map(String.init))
        let loading = try session.waitForScreen(seconds: 2.5) { isLoading($0, database: db) }
        #expect(loading.met, "no loading screen:\n\(loading.screen.joined(separator: "\n"))")
        #expect(!loading.screen.contains { $0.contains(lastCode) })
        try session.send("G")
        let end = try session.waitForScreen(seconds: 2) { screen in
            screen.contains { $0.contains("the file's last records") } && screen.contains { $0.contains(lastCode) }
                && !screen.contains { $0.contains("Tables (") }
        }
        #expect(end.met, "G did not show the last records while loading:\n\(end.screen.joined(separator: "\n"))")
        // The browser replays the move: it opens on the last row of the first table.
        let browser = try session.waitForScreen { screen in
            isBrowser(screen, database: db, mode: "RW") && screen.contains { $0.contains("row \(lines.count) of \(lines.count)") }
        }
        #expect(browser.met, "the browser did not open on the last row:\n\(browser.screen.joined(separator: "\n"))")
        try session.send("q")
        #expect(try session.exitStatus() == 0)
    }
}
#endif
