import Foundation
import Testing

/// Colours when the terminal has them; bold/reverse/dim/underline only with `NO_COLOR` (https://no-color.org).
@Suite(
    "linedb browse in a terminal: colours and NO_COLOR", .serialized,
    .enabled(if: TmuxSession.isAvailable, "tmux is not installed; the end-to-end terminal tests need it"))
struct ColorTests {
    /// The SGR parameters used on the browser's first screen (`\e[1;7m` → 1, 7).
    private func attributes(environment: [String: String]) throws -> Set<Int> {
        let scratch = Scratch()
        let db = try scratch.demoDatabase()
        let session = try TmuxSession([try Programs.linedb.get(), "browse", db], in: scratch, environment: environment)
        defer { session.stop() }
        try #require(try session.waitForScreen { isBrowser($0, database: db, mode: "RW") }.met)
        let text = try session.screenWithAttributes()
        try session.send("q")
        #expect(try session.exitStatus() == 0)
        var parameters: Set<Int> = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1B}[") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "m") else { break }
            for part in rest[..<end].split(separator: ";") { if let n = Int(part) { parameters.insert(n) } }
            rest = rest[end...]
        }
        return parameters
    }

    /// Foreground/background colours other than the terminal's defaults (39, 49).
    private func colors(_ parameters: Set<Int>) -> Set<Int> {
        parameters.filter { (30...38).contains($0) || (40...48).contains($0) || (90...107).contains($0) }
    }

    @Test("colours by default")
    func colorsByDefault() throws {
        let parameters = try attributes(environment: [:])
        #expect(!colors(parameters).isEmpty, "\(parameters.sorted())")
    }

    @Test("NO_COLOR: no colour at all, styles shown with bold and reverse")
    func noColor() throws {
        let parameters = try attributes(environment: ["NO_COLOR": "1"])
        #expect(colors(parameters).isEmpty, "\(parameters.sorted())")
        #expect(parameters.isSuperset(of: [1, 7]), "\(parameters.sorted())")
    }
}
