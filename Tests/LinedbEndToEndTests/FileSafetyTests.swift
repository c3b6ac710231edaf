import Foundation
import Testing

/// Issue 12, items 5 and 13, in the browser: a database whose `.lock` is a symbolic link is refused (opening and
/// quitting once wrote `PID host` into the file it pointed to), and a database on a read-only file system opens
/// read-only and says why (it used to exit).
@Suite(
    "linedb browse: symbolic links and read-only file systems", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct BrowseFileSafetyTests {
    @Test("a .lock that is a symbolic link: the browser refuses in one line naming it, exit 1; the file outside unchanged")
    func lockLinkRefused() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        scratch.write("precious", "precious\n")
        try? FileManager.default.removeItem(atPath: db + "/.lock")
        try FileManager.default.createSymbolicLink(atPath: db + "/.lock", withDestinationPath: scratch.path + "/precious")
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, width: 250)
        defer { session.stop() }
        #expect(try session.exitStatus() == 1)
        let screen = try session.screen(joiningWrappedLines: true)
        #expect(screen.contains { $0.hasPrefix("linedb: \(db)/.lock: is a symbolic link (to \(scratch.path)/precious)") },
            "\(shown(screen))")
        #expect(scratch.read("precious") == "precious\n")
        #expect(session.stty.before == session.stty.after)
    }

    @Test("a database on a read-only file system opens read-only, says why, refuses edits and changes nothing")
    func readOnlyFileSystem() throws {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        guard let ro = ReadOnlyFileSystem(making: db) else {
            print("skipped: \(ReadOnlyFileSystem.skipReason)")
            return
        }
        defer { withExtendedLifetime((scratch, ro)) {} }
        let before = snapshot(db)
        let session = try TmuxSession([try Programs.linedb.get(), "browse", ro.path], in: scratch, width: 250)
        defer { session.stop() }
        let why = ro.errno == EROFS ? "\(ro.path) is on a read-only file system" : "cannot be written (Permission denied)"
        let first = try session.waitForScreen(seconds: 15) {
            isBrowser($0, database: ro.path, mode: "RO") && $0.contains { $0.contains(why) && $0.contains("edits are refused") }
        }
        #expect(first.met, "not opened read-only with the reason:\n\(shown(first.screen))")
        try session.send("Enter")
        try session.send("e")
        let refused = try session.waitForText("read-only: this browser cannot change the database (")
        #expect(refused.met && refused.screen.contains { $0.contains(why) }, "\(shown(refused.screen))")
        try session.quit()
        #expect(snapshot(db) == before)
    }
}
